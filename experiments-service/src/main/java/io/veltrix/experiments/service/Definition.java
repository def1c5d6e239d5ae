package io.veltrix.experiments.service;

import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.Metric;
import java.util.List;

/**
 * A validated experiment definition, as the API received it (see {@code mapping.ExperimentMapper}). Variant
 * parameters are JSON object text. {@code analysis} is null when the request did not say (defaults on create, the stored
 * settings on update).
 */
public record Definition(String key, String name, String description, double coverage, List<VariantDefinition> variants,
                         Metric primaryMetric, List<Metric> guardrailMetrics, AnalysisSettings analysis) {

    /** One variant: key, display name, weight, reward-structure parameters (JSON object text). */
    public record VariantDefinition(String key, String name, double weight, String parameters) {
    }
}
