export type { FieldSchema, ObjectSchema } from './field-schema.js';
