package io.veltrix.experiments.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** ingest-service's admin API, as far as the console reads it (quarkus.rest-client.ingest.url). */
@RegisterRestClient(configKey = "ingest")
@Path("/admin/v1")
public interface IngestClient {

    /** The rejected-events summary, as ingest answers it (its JSON is passed on unchanged). */
    @GET
    @Path("/rejections/summary")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> rejectionSummary(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                   @QueryParam("from") String from, @QueryParam("to") String to,
                                   @QueryParam("eventType") List<String> eventTypes,
                                   @QueryParam("reason") List<String> reasons,
                                   @QueryParam("groups") Integer groups);
}
