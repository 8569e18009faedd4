import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'ats:isPublic';
/** Opts a route out of authentication (health probes, login). Everything else requires a principal. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
