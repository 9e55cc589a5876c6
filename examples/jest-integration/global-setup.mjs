import { jestGlobalSetup } from '@modelreg/testing';

export default jestGlobalSetup(['s3']);
