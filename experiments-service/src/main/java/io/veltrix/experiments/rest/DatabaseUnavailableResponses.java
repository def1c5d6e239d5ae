package io.veltrix.experiments.rest;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Every API operation reads or writes the database, so every one can answer 503 ({@link DatabaseErrorMappers}): the
 * answer is documented once here rather than on each endpoint.
 */
public class DatabaseUnavailableResponses implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/") || item.getOperations() == null) {
                return;
            }
            item.getOperations().values().forEach(operation -> {
                if (operation.getResponses() != null && operation.getResponses().getAPIResponse("503") == null) {
                    operation.getResponses().addAPIResponse("503", OASFactory.createAPIResponse()
                            .description("The database cannot serve the request at the moment (error database_unavailable), or "
                                    + "accepts no writes (database_read_only: a failover in progress); retry after Retry-After")
                            .addHeader("Retry-After", OASFactory.createHeader().description("seconds to wait")
                                    .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)))
                            .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                                    .schema(OASFactory.createSchema().ref("ErrorBody")))));
                }
            });
        });
    }
}
