package io.veltrix.experiments.mapping;

import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.EventLayout;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The event catalogue as the console picks metrics from it: event types and their numeric properties. */
@Schema(description = "Event types a metric can count, with their "
        + "numeric properties (a mean metric over event_type.property)")
public record CatalogView(List<EventType> eventTypes) {

    /** Exposures and the pipeline's own records are not metrics. */
    private static final Set<String> NOT_METRICS = Set.of("experiment_viewed");

    /** An event type. */
    public record EventType(
            @Schema(examples = "purchase_completed") String eventType,
            @Schema(description = "The schema's doc") String description,
            @Schema(description = "Numeric properties, each usable as the metric event_type.property")
            List<NumericProperty> numericProperties) {
    }

    /** A numeric property and the range its schema allows. */
    public record NumericProperty(
            @Schema(examples = "revenue") String name,
            @Schema(examples = "purchase_completed.revenue") String metric,
            String description, double minimum, double maximum) {
    }

    /** The catalogue of the given event schemas (the pipeline's records and exposures left out). Pure. */
    public static CatalogView of(List<org.apache.avro.Schema> schemas) {
        return new CatalogView(schemas.stream()
                .filter(s -> EventCatalog.EVENTS_GROUP.equals(s.getNamespace()))
                .map(CatalogView::eventType)
                .filter(t -> !NOT_METRICS.contains(t.eventType()))
                .sorted(Comparator.comparing(EventType::eventType))
                .toList());
    }

    private static EventType eventType(org.apache.avro.Schema schema) {
        EventLayout layout = EventLayout.of(schema);
        org.apache.avro.Schema properties = layout.properties() < 0 ? null : schema.getFields().get(layout.properties()).schema();
        List<NumericProperty> numbers = layout.numbers().stream().map(n -> new NumericProperty(n.name(),
                layout.eventType() + "." + n.name(), properties == null ? null : properties.getField(n.name()).doc(),
                n.min(), n.max())).toList();
        return new EventType(layout.eventType(), schema.getDoc(), numbers);
    }
}
