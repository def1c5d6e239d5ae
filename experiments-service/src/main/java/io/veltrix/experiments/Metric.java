package io.veltrix.experiments;

/**
 * A metric of an experiment: {@code name} is an event type ({@code purchase_completed}: one per event) or
 * {@code event_type.property} (a numeric property, e.g. {@code purchase_completed.revenue}); {@code kind} says
 * how it is summarised. Counted over each participant's events at or after their first exposure.
 */
public record Metric(String name, MetricKind kind) {
}
