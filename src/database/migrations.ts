// The ordered list of schema migrations (files in the top-level migrations/ folder). Listed explicitly
// rather than globbed so that the same list works from compiled JS, under Jest and in the TypeORM CLI.
import { InitialSchema1764250000000 } from '../../migrations/1764250000000-initial-schema';
import { Identity1764250100000 } from '../../migrations/1764250100000-identity';

export const MIGRATIONS = [InitialSchema1764250000000, Identity1764250100000];
