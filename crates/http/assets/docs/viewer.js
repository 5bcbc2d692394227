// Shows the API's OpenAPI document with Swagger UI, everything served by oms-api itself.
// No validator badge (it would call validator.swagger.io).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#viewer",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
  });
});
