// Renders /api/v1/openapi.json with Swagger UI (served from the installed swagger-ui-dist package).
window.addEventListener('DOMContentLoaded', function () {
  window.SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#api-reference', deepLinking: true, tryItOutEnabled: false });
});
