package io.veltrix.experiments.rest;

import io.veltrix.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.repository.TrafficRepository;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Live traffic per event type, for dashboards: how many events the processor has counted. */
@RolesAllowed(Roles.ANALYST)
@Path("/api/v1/traffic")
@Tag(name = "Traffic", description = "Events counted by the processor, per event type and minute of occurrence")
@Produces(MediaType.APPLICATION_JSON)
public class TrafficResource {

    private final TrafficRepository traffic;

    public TrafficResource(TrafficRepository traffic) {
        this.traffic = traffic;
    }

    /** Traffic of one event type over a time range. */
    public record Traffic(String eventType, OffsetDateTime from, OffsetDateTime to, long total, List<Minute> minutes) {
    }

    /** Events that occurred in one minute. */
    public record Minute(OffsetDateTime minute, long events) {
    }

    @GET
    @Path("/{eventType}")
    @Operation(summary = "Events of one type counted, per minute of occurrence, in [from, to) (default: the last hour)")
    public Uni<Traffic> traffic(@PathParam("eventType") String eventType,
                                @Parameter(description = "start, ISO-8601 date-time (inclusive)") @QueryParam("from") String from,
                                @Parameter(description = "end, ISO-8601 date-time (exclusive)") @QueryParam("to") String to) {
        OffsetDateTime end = to == null ? OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1)
                : parse("to", to);
        OffsetDateTime start = from == null ? end.minusHours(1) : parse("from", from);
        if (!start.isBefore(end)) {
            throw new BadRequestException("'from' must be before 'to'");
        }
        return traffic.minutes(eventType, start, end).map(minutes -> new Traffic(eventType, start, end,
                minutes.stream().mapToLong(m -> m.events).sum(),
                minutes.stream().map(m -> new Minute(m.minute, m.events)).toList()));
    }

    private static OffsetDateTime parse(String name, String value) {
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadRequestException("'" + name + "' is not an ISO-8601 date-time with offset: " + value);
        }
    }
}
