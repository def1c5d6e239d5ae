package io.veltrix.processor.service;

import io.veltrix.processor.EventFacts;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.rules.EventRules;
import io.veltrix.schemas.rules.RuleViolation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;

/**
 * Decodes a batch of messages (their payloads) and sorts them: countable, refused (with why: a rule of {@link EventRules}, the
 * same ingest applies, or an event older than the dedupe records reach) and poison (cannot be read at all). Pure
 * but for the registry look-ups of {@code decode} (blocking on a cache miss): a registry that cannot be reached
 * makes the whole call fail with a transient {@link CodecException}, to be tried again.
 *
 * <p>Exposures are checked against the experiment definitions afterwards ({@link ExposureValidator}).
 */
public final class BatchDecoder {

    /** The sorted batch; {@code index} is the event's position in the batch. */
    public record DecodedBatch(List<Countable> countable, List<Refused> refused, List<Poison> poison) {
    }

    public record Countable(int index, EventFacts facts) {
    }

    public record Refused(int index, EventFacts facts, RuleViolation violation) {
    }

    /** A message that can never be read: {@code reason} is the decoder's kind ({@code malformed}, {@code unknown_schema}, ...). */
    public record Poison(int index, String reason, String detail) {
    }

    /**
     * Safety margin between the refusal of old events and the drop of the partitions that held their copies: one
     * partition width, at most an hour.
     */
    static Duration retentionMargin(Duration partitionWidth) {
        return partitionWidth.compareTo(Duration.ofHours(1)) < 0 ? partitionWidth : Duration.ofHours(1);
    }

    private final Function<byte[], GenericRecord> decode;
    private final EventRules rules;
    private final EventFactsReader reader = new EventFactsReader();
    private final Duration countableAge;

    /**
     * @param decode      reads a framed payload (the codec)
     * @param rules       the per-event rules shared with ingest
     * @param retention      how long the dedupe records are kept
     * @param tolerance      the dedupe tolerance around an event's time
     * @param partitionWidth the width of one partition of the event log
     */
    public BatchDecoder(Function<byte[], GenericRecord> decode, EventRules rules, Duration retention, Duration tolerance,
                        Duration partitionWidth) {
        this.decode = decode;
        this.rules = rules;
        this.countableAge = retention.minus(tolerance).minus(retentionMargin(partitionWidth));
    }

    /**
     * The oldest time an event may have occurred to be counted now: its possible copies (within the dedupe tolerance)
     * all lie in partitions that are still kept. Checked again at every commit attempt, since a batch may wait long
     * for a database that is down.
     */
    public Instant oldestCountable(Instant now) {
        return now.minus(countableAge);
    }

    /** The refusal of an event older than {@link #oldestCountable}. */
    public static RuleViolation beyondRetention(EventFacts facts, Instant oldest) {
        return new RuleViolation(Reasons.BEYOND_RETENTION, "$.timestamp", "the event happened at " + facts.occurredAt()
                + ", before " + oldest + ": older than the dedupe records reach (veltrix.processor.retention.events), so a "
                + "copy counted long ago could not be recognized");
    }

    /** @throws CodecException (transient) when the registry cannot be reached */
    public DecodedBatch decode(List<byte[]> payloads, Instant now) {
        List<Countable> countable = new ArrayList<>(payloads.size());
        List<Refused> refused = new ArrayList<>();
        List<Poison> poison = new ArrayList<>();
        Instant oldest = oldestCountable(now);
        for (int i = 0; i < payloads.size(); i++) {
            GenericRecord record;
            EventFacts facts;
            try {
                record = decode.apply(payloads.get(i));
                facts = reader.read(record);
            } catch (CodecException e) {
                if (e.isTransient()) {
                    throw e;
                }
                poison.add(new Poison(i, e.kind().name().toLowerCase(java.util.Locale.ROOT), e.getMessage()));
                continue;
            } catch (RuntimeException e) {
                poison.add(new Poison(i, "invalid_record", e.toString()));
                continue;
            }
            Optional<RuleViolation> violation = rules.check(record, now);
            if (violation.isEmpty() && facts.occurredAt().isBefore(oldest)) {
                violation = Optional.of(beyondRetention(facts, oldest));
            }
            if (violation.isPresent()) {
                refused.add(new Refused(i, facts, violation.get()));
            } else {
                countable.add(new Countable(i, facts));
            }
        }
        return new DecodedBatch(countable, refused, poison);
    }
}
