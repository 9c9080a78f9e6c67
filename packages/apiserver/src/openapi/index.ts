export {
  type OpenApiV3Index,
  openApiV2,
  openApiV3GroupVersion,
  openApiV3Index,
  type WithOpenApiSchema,
} from './openapi-documents.js';
export type { OpenApiSchema } from './openapi-schema.js';
