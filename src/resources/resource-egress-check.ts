import { AppException, type FieldProblem } from '../common/errors/app.exception';
import type { EgressService } from '../egress/egress.service';
import type { ResourceTypeMetadata } from './resource-type';

/**
 * Save-time egress check: a config whose IP-literal endpoint the policy refuses is a 400 naming the
 * field (`config.host`, `config.brokers.1`). Host names pass here; they are checked when they resolve,
 * at every connect, which is what actually protects. Connection tests of unsaved configs skip this,
 * so they answer `ok:false` with the same refusal instead.
 */
export function assertEgressAllowed(metadata: ResourceTypeMetadata, config: object, egress: EgressService): void {
  const problems: FieldProblem[] = [];
  for (const target of metadata.egressTargets?.(config) ?? []) {
    const refusal = egress.checkLiteral(target.host, target.port);
    if (refusal) problems.push({ field: `config.${target.field}`, message: refusal });
  }
  if (problems.length) throw AppException.validation(problems);
}
