package io.veltrix.ingest.rest;

import io.veltrix.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.service.summary.RejectionSummaryService;
import io.veltrix.ingest.service.replay.ReplayService;
import io.veltrix.ingest.service.RequestRefusedException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The admin API: what was rejected (counted, from {@code events.rejected}) and replaying rejected events after a
 * fix. Bearer tokens: {@code veltrix.ingest.admin-token} (roles admin and analyst) for everything,
 * {@code veltrix.ingest.read-token} (role analyst) to read (see {@link AdminTokens}).
 */
@Path("/admin/v1")
@Tag(name = "Admin", description = "Rejected events: summary and replay")
@SecurityScheme(securitySchemeName = "adminToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "veltrix.ingest.admin-token (or veltrix.ingest.read-token for the summary)")
@SecurityRequirement(name = "adminToken")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    /** Longest window a call may read: the topic's retention. */
    static final Duration MAX_WINDOW = Duration.ofDays(7).plusHours(1);
    static final Duration DEFAULT_SUMMARY_WINDOW = Duration.ofHours(1);

    private final ReplayService replays;
    private final RejectionSummaryService summaries;
    private final IngestConfig config;
    private final ObjectMapper mapper;

    public AdminResource(ReplayService replays, RejectionSummaryService summaries, IngestConfig config,
                         ObjectMapper mapper) {
        this.mapper = mapper;
        this.replays = replays;
        this.summaries = summaries;
        this.config = config;
    }

    @GET
    @Path("/rejections/summary")
    @RolesAllowed(Roles.ANALYST)
    @Blocking
    @Operation(summary = "Rejected events, counted",
            description = "Reads events.rejected over the window and counts the rejections by reason, event type, "
                    + "schema version, SDK, source and stage, with the largest combinations and an example of each. "
                    + "Exact and the same on every instance (computed from the topic, not from memory).")
    @APIResponse(responseCode = "200", description = "The counts",
            content = @Content(schema = @Schema(implementation = RejectionSummaryResponse.class)))
    @APIResponse(responseCode = "400", description = "Bad window",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "No bearer token")
    @APIResponse(responseCode = "403", description = "Token not allowed")
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable; retry after Retry-After")
    public RejectionSummaryResponse summary(
            @Parameter(description = "start (rejected at), ISO-8601, inclusive; default: 1 hour before 'to'")
            @QueryParam("from") String from,
            @Parameter(description = "end, ISO-8601, exclusive; default now") @QueryParam("to") String to,
            @Parameter(description = "only these sources") @QueryParam("sourceId") List<String> sourceIds,
            @Parameter(description = "only these event types") @QueryParam("eventType") List<String> eventTypes,
            @Parameter(description = "only these reasons") @QueryParam("reason") List<String> reasons,
            @Parameter(description = "only these stages (ingest, processor, replay)") @QueryParam("stage") List<String> stages,
            @Parameter(description = "largest combinations listed (default 50, at most 1000)") @QueryParam("groups") Integer groups) {
        Instant end = instant(to, "to", Instant.now());
        Instant start = instant(from, "from", end.minus(DEFAULT_SUMMARY_WINDOW));
        checkWindow(start, end);
        int maxGroups = groups == null ? 50 : Math.max(0, Math.min(groups, 1000));
        return RejectionSummaryResponse.of(summaries.summarize(new RejectionSummaryService.Query(start, end,
                set(sourceIds), set(eventTypes), set(reasons), set(stages), maxGroups)));
    }

    @POST
    @Path("/replay")
    @Blocking
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Replay rejected events",
            description = "Validates the rejected events of the window matching the filter again, against the latest "
                    + "schemas in the registry (e.g. after a fix) and the time rules of their first arrival. Valid ones "
                    + "are published to events.raw with their original messageId (the processor counts an event id once); "
                    + "the others are kept again on events.rejected with stage replay and their new reason. Safe to run "
                    + "twice: what an earlier replay settled is skipped (markers on events.replays).")
    @APIResponse(responseCode = "200", description = "What the replay did",
            content = @Content(schema = @Schema(implementation = ReplayResponse.class)))
    @APIResponse(responseCode = "400", description = "Bad request (window, limit)",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "No bearer token")
    @APIResponse(responseCode = "403", description = "Not the admin token")
    @APIResponse(responseCode = "409", description = "A replay is already running on this instance",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable (the body says what was done); "
            + "run the replay again after Retry-After: it continues where it stopped",
            content = @Content(schema = @Schema(implementation = ReplayResponse.class)))
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ReplayRequest.class)))
    @RolesAllowed(Roles.ADMIN)
    public Response replay(byte[] json) {
        ReplayRequest request;
        try {
            request = json == null || json.length == 0 ? null : mapper.readValue(json, ReplayRequest.class);
        } catch (IOException e) {
            throw new RequestRefusedException(RequestRefusedException.Refusal.INVALID, Reasons.MALFORMED_JSON, "$", "the body is not a replay request: "
                    + e.getMessage());
        }
        if (request == null || request.from() == null) {
            throw invalid("$.from", "'from' is required: the start of the window (ISO-8601)");
        }
        Instant end = instant(request.to(), "to", Instant.now());
        Instant start = instant(request.from(), "from", null);
        checkWindow(start, end);
        int limit = request.limit() == null ? config.replayMaxEvents() : request.limit();
        if (limit < 1 || limit > config.replayMaxEvents()) {
            throw invalid("$.limit", "'limit' is between 1 and " + config.replayMaxEvents());
        }
        ReplayService.Report report = replays.replay(new ReplayService.Command(start, end, set(request.reasons()),
                set(request.eventTypes()), set(request.sourceIds()), Boolean.TRUE.equals(request.dryRun()),
                Boolean.TRUE.equals(request.force()), limit));
        ReplayResponse body = ReplayResponse.of(report);
        if (body.notPersisted() > 0 || body.markersNotPersisted() != null) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(body)
                    .header(HttpHeaders.RETRY_AFTER, config.retryAfterSeconds()).build();
        }
        return Response.ok(body).build();
    }

    private static void checkWindow(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw invalid("$.from", "'from' must be before 'to'");
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw invalid("$.from", "the window is at most 7 days (events.rejected keeps 7 days)");
        }
    }

    private static Instant instant(String text, String name, Instant otherwise) {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw invalid("$." + name, "'" + name + "' is an ISO-8601 instant such as 2026-11-26T09:00:00Z, got '" + text + "'");
        }
    }

    private static Set<String> set(List<String> values) {
        Set<String> set = new LinkedHashSet<>();
        if (values != null) {
            values.stream().filter(v -> v != null && !v.isBlank()).map(String::trim).forEach(set::add);
        }
        return Set.copyOf(set);
    }

    private static RequestRefusedException invalid(String path, String message) {
        return new RequestRefusedException(RequestRefusedException.Refusal.INVALID, Reasons.INVALID_REQUEST, path, message);
    }
}
