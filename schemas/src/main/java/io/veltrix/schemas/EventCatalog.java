package io.veltrix.schemas;

import io.veltrix.events.Alias;
import io.veltrix.events.ClueFound;
import io.veltrix.events.ExperimentViewed;
import io.veltrix.events.Group;
import io.veltrix.events.Identify;
import io.veltrix.events.Page;
import io.veltrix.events.PurchaseCompleted;
import io.veltrix.events.RewardGranted;
import io.veltrix.events.Screen;
import io.veltrix.events.SessionStarted;
import io.veltrix.events.TreasureClaimed;
import io.veltrix.pipeline.RejectedEvent;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * The event catalogue and its naming rules.
 *
 * <p>An event type is a snake_case name ({@code treasure_claimed}); its Avro record is the PascalCase name
 * in namespace {@value #EVENTS_GROUP} ({@code io.veltrix.events.TreasureClaimed}); its Apicurio artifact
 * follows record-name resolution: group = namespace, artifact id = record name. The mapping is a
 * convention rather than a table so that an event type registered in Apicurio later needs no rebuild.
 */
public final class EventCatalog {

    /** Apicurio group (and Avro namespace) of the event schemas. */
    public static final String EVENTS_GROUP = "io.veltrix.events";
    /** Apicurio group (and Avro namespace) of the pipeline's own records (rejections). */
    public static final String PIPELINE_GROUP = "io.veltrix.pipeline";
    /** Longest accepted event type name. */
    public static final int MAX_EVENT_TYPE_LENGTH = 64;

    private static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-.]+");

    private EventCatalog() {
    }

    /** Every schema the project registers, events first. */
    public static List<Schema> registeredSchemas() {
        return List.of(
                SessionStarted.getClassSchema(),
                ClueFound.getClassSchema(),
                TreasureClaimed.getClassSchema(),
                RewardGranted.getClassSchema(),
                PurchaseCompleted.getClassSchema(),
                ExperimentViewed.getClassSchema(),
                Identify.getClassSchema(),
                Page.getClassSchema(),
                Screen.getClassSchema(),
                Group.getClassSchema(),
                Alias.getClassSchema(),
                RejectedEvent.getClassSchema());
    }

    /**
     * Normalizes an event name as clients send it ("Treasure Claimed", "treasure-claimed",
     * "treasure_claimed") to its event type, or empty when it cannot name an event type.
     */
    public static Optional<String> normalize(String eventName) {
        if (eventName == null) {
            return Optional.empty();
        }
        String type = SEPARATORS.matcher(eventName.trim().toLowerCase(Locale.ROOT)).replaceAll("_");
        if (type.length() > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE.matcher(type).matches()) {
            return Optional.empty();
        }
        return Optional.of(type);
    }

    /** {@code treasure_claimed} → {@code TreasureClaimed}. */
    public static String recordName(String eventType) {
        StringBuilder name = new StringBuilder(eventType.length());
        for (String part : eventType.split("_")) {
            if (!part.isEmpty()) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part, 1, part.length());
            }
        }
        return name.toString();
    }

    /** {@code TreasureClaimed} → {@code treasure_claimed}. */
    public static String eventType(String recordName) {
        StringBuilder type = new StringBuilder(recordName.length() + 4);
        for (int i = 0; i < recordName.length(); i++) {
            char c = recordName.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    type.append('_');
                }
                type.append(Character.toLowerCase(c));
            } else {
                type.append(c);
            }
        }
        return type.toString();
    }

    /** The Apicurio artifact id of an event type (record-name resolution). */
    public static String artifactId(String eventType) {
        return recordName(eventType);
    }
}
