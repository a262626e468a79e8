// The API reference page: Swagger UI (bundled, served from /assets/swagger) over /openapi.json.
declare const SwaggerUIBundle: (opts: Record<string, unknown>) => unknown;

SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger",
  deepLinking: true,
  // No call to the public validator service: nothing leaves this origin.
  validatorUrl: null,
  tryItOutEnabled: false,
  defaultModelsExpandDepth: 0,
  docExpansion: "list",
});
