// The kit's own tests start their servers the way it tells users to: once per jest run.
import { jestGlobalSetup } from '@modelreg/testing';

export default jestGlobalSetup(['s3', 'azure']);
