package io.veltrix.ingest.service.summary;

import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.ingest.service.tracking.EventPipeline;

import io.veltrix.ingest.StoredRejection;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.repository.RejectionLog;
import io.veltrix.schemas.codec.CodecException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * The rejected-events summary, computed from {@code events.rejected} itself over the asked window (see
 * {@link RejectionLog}): exact, the same on every instance, and unaffected by restarts, at the cost of reading
 * the window's rejections on each call. Rejections are the exception, not the traffic, and the topic keeps 7 days.
 */
@ApplicationScoped
public class RejectionSummaryService {

    /**
     * A summary request; empty sets match everything.
     */
    public record Query(Instant from, Instant to, Set<String> sourceIds, Set<String> eventTypes, Set<String> reasons,
                        Set<String> stages, int maxGroups) {

        boolean matches(StoredRejection r) {
            return (sourceIds.isEmpty() || sourceIds.contains(r.sourceId()))
                    && (eventTypes.isEmpty() || eventTypes.contains(r.eventType()))
                    && (reasons.isEmpty() || reasons.contains(r.reason()))
                    && (stages.isEmpty() || stages.contains(r.stage()));
        }
    }

    /** The summary with what was read to compute it. */
    public record Summary(Query query, long scanned, long undecodable, boolean truncated, RejectionSummary.Counts counts) {
    }

    private final RejectionLog log;

    public RejectionSummaryService(RejectionLog log) {
        this.log = log;
    }

    public Summary summarize(Query query) {
        RejectionSummary summary = new RejectionSummary();
        RejectionLog.Scan scan;
        try {
            scan = log.scan(query.from(), query.to(), r -> {
                if (query.matches(r)) {
                    summary.add(r);
                }
            });
        } catch (PulsarClientException e) {
            throw new RequestRefusedException(RequestRefusedException.Refusal.UNAVAILABLE, "broker_unavailable", JsonPaths.ROOT,
                    "events.rejected cannot be read: Pulsar is unavailable, retry later (" + e.getMessage() + ")");
        } catch (CodecException e) {
            throw EventPipeline.registryUnavailable(e);
        }
        return new Summary(query, scan.scanned(), scan.undecodable(), scan.truncated(), summary.counts(query.maxGroups()));
    }
}
