package io.veltrix.experiments.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.ExperimentStatus;
import io.veltrix.experiments.mapping.SdkPayloadMapper;
import io.veltrix.experiments.service.ExperimentService;
import io.veltrix.experiments.service.ExperimentService.Loaded;
import io.veltrix.security.Roles;
import io.veltrix.security.TokenGrants;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The running experiments as a GrowthBook SDK payload, so clients evaluate assignments locally (no call per player).
 * Two addresses for the same JSON: {@code /api/v1/sdk/features} with a Bearer token of role sdk (the SDK key, or
 * the admin token), and GrowthBook's own {@code /api/features/{clientKey}} with the SDK key as client key, so an
 * unmodified GrowthBook SDK can load it with {@code apiHost} = this service and {@code clientKey} = the SDK key.
 * The SDK key ships inside game clients (it is no secret, and reads nothing but this and assignments); it is the
 * only credential accepted in a URL: the admin and analyst tokens are refused there, so that they never end up in
 * access logs.
 */
@Path("/api")
@Tag(name = "SDK", description = "Experiment definitions for GrowthBook SDKs (local evaluation)")
@Produces(MediaType.APPLICATION_JSON)
public class SdkResource {

    private final ExperimentService experiments;
    private final TokenGrants tokens;

    public SdkResource(ExperimentService experiments, TokenGrants tokens) {
        this.experiments = experiments;
        this.tokens = tokens;
    }

    @GET
    @Path("/v1/sdk/features")
    @RolesAllowed(Roles.SDK)
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "GrowthBook SDK payload of the running experiments (one feature per experiment key)",
            description = "{\"status\": 200, \"features\": {\"<experiment key>\": {\"defaultValue\": null, \"rules\": [{experiment rule: "
                    + "key, seed, hashAttribute 'id', hashVersion 2, coverage, weights, variations = variant parameters, "
                    + "meta[i].key = variant key, phase}]}}, \"experiments\": [], \"dateUpdated\": ...}")
    public Uni<ObjectNode> features() {
        return payload();
    }

    @GET
    @Path("/features/{clientKey}")
    @PermitAll // the client key in the path is the credential (GrowthBook's protocol): checked here
    @Operation(summary = "The same payload at GrowthBook's SDK address; the client key is the SDK key")
    public Uni<RestResponse<ObjectNode>> growthBookFeatures(
            @Parameter(description = "The SDK key (GrowthBook's clientKey)") @PathParam("clientKey") String clientKey) {
        if (tokens.match(clientKey).filter(grant -> grant.roles().equals(java.util.Set.of(Roles.SDK))).isEmpty()) {
            return Uni.createFrom().item(RestResponse.status(Response.Status.UNAUTHORIZED));
        }
        return payload().map(RestResponse::ok);
    }

    private Uni<ObjectNode> payload() {
        return experiments.list(ExperimentStatus.RUNNING).map(list -> {
            Map<String, Integer> phases = new HashMap<>();
            for (Loaded l : list) {
                if (l.latestPhase() != null) {
                    phases.put(l.experiment().key, l.latestPhase().number);
                }
            }
            return SdkPayloadMapper.payload(list.stream().map(Loaded::experiment).toList(), phases,
                    OffsetDateTime.now(ZoneOffset.UTC));
        });
    }
}
