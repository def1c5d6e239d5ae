package io.veltrix.experiments.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.Experiment;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.Phase;
import io.veltrix.experiments.Variant;
import io.veltrix.experiments.service.Definition;
import io.veltrix.experiments.service.Definition.VariantDefinition;
import io.veltrix.experiments.service.InvalidInputException;
import io.veltrix.experiments.service.InvalidInputException.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * DTO ↔ domain at the edge: validates a request into a {@link Definition} (every broken rule reported at once, with
 * its field), and shows entities as views. Pure.
 */
public final class ExperimentMapper {

    /** Keys: letters, digits, '.', '_', '-', starting with a letter or digit. */
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Metrics: an event type, optionally '.property'. */
    public static final Pattern METRIC = Pattern.compile("[a-z][a-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    public static final int MAX_EXPERIMENT_KEY = 128;
    public static final int MAX_VARIANT_KEY = 64;
    public static final int MAX_VARIANTS = 20;
    public static final int MAX_GUARDRAILS = 10;
    public static final int MAX_PARAMETERS_BYTES = 16 * 1024;
    /** How far the weights' sum may be from 1. */
    public static final double WEIGHT_SUM_TOLERANCE = 1e-6;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExperimentMapper() {
    }

    /**
     * Validates a create ({@code pathKey} null) or update (the key from the path) request.
     *
     * @throws InvalidInputException listing every offending field
     */
    public static Definition toDefinition(ExperimentRequest request, String pathKey) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            throw new InvalidInputException("body", "a JSON object with the experiment definition is required");
        }
        String key = pathKey == null ? request.key() : pathKey;
        if (pathKey != null && request.key() != null && !request.key().equals(pathKey)) {
            errors.add(new FieldError("key", "the key cannot change (path has '" + pathKey + "')"));
        }
        checkKey(errors, "key", key, MAX_EXPERIMENT_KEY);
        String name = request.name() == null ? null : request.name().strip();
        if (name == null || name.isEmpty()) {
            errors.add(new FieldError("name", "required"));
        } else if (name.length() > 200) {
            errors.add(new FieldError("name", "at most 200 characters"));
        }
        if (request.description() != null && request.description().length() > 4000) {
            errors.add(new FieldError("description", "at most 4000 characters"));
        }
        double coverage = request.coverage() == null ? 1 : request.coverage();
        if (!Double.isFinite(coverage) || coverage < 0 || coverage > 1) {
            errors.add(new FieldError("coverage", "must be between 0 and 1"));
        }
        List<VariantDefinition> variants = variants(errors, request.variants());
        Metric primary = metric(errors, "primaryMetric", request.primaryMetric());
        List<Metric> guardrails = new ArrayList<>();
        if (request.guardrailMetrics() != null) {
            if (request.guardrailMetrics().size() > MAX_GUARDRAILS) {
                errors.add(new FieldError("guardrailMetrics", "at most " + MAX_GUARDRAILS + " metrics"));
            }
            Set<String> seen = new HashSet<>();
            if (primary != null) {
                seen.add(primary.name() + "/" + primary.kind());
            }
            for (int i = 0; i < request.guardrailMetrics().size(); i++) {
                Metric m = metric(errors, "guardrailMetrics[" + i + "]", request.guardrailMetrics().get(i));
                if (m != null && !seen.add(m.name() + "/" + m.kind())) {
                    errors.add(new FieldError("guardrailMetrics[" + i + "]", "duplicate metric " + m.name() + " (" + m.kind().value() + ")"));
                } else if (m != null) {
                    guardrails.add(m);
                }
            }
        }
        AnalysisSettings analysis = analysis(errors, request.analysis());
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return new Definition(key, name, request.description(), coverage, variants, primary, guardrails, analysis);
    }

    /** The analysis settings asked for (defaults for what is left out), or null when the request has none. */
    private static AnalysisSettings analysis(List<FieldError> errors, ExperimentRequest.AnalysisRequest a) {
        if (a == null) {
            return null;
        }
        AnalysisSettings d = AnalysisSettings.DEFAULTS;
        AnalysisSettings.Method method = d.method();
        if (a.method() != null && (method = AnalysisSettings.Method.parse(a.method())) == null) {
            errors.add(new FieldError("analysis.method", "must be 'sequential' or 'fixed_horizon'"));
        }
        AnalysisSettings.Scale scale = d.scale();
        if (a.scale() != null && (scale = AnalysisSettings.Scale.parse(a.scale())) == null) {
            errors.add(new FieldError("analysis.scale", "must be 'relative' or 'absolute'"));
        }
        AnalysisSettings.Correction correction = d.correction();
        if (a.correction() != null && (correction = AnalysisSettings.Correction.parse(a.correction())) == null) {
            errors.add(new FieldError("analysis.correction", "must be 'holm' or 'benjamini_hochberg'"));
        }
        double tuning = a.sequentialTuning() == null ? d.sequentialTuning() : a.sequentialTuning();
        if (!Double.isFinite(tuning) || tuning < 10 || tuning > 1e9) {
            errors.add(new FieldError("analysis.sequentialTuning", "must be between 10 and 1e9 participants"));
        }
        int minParticipants = a.minParticipants() == null ? d.minParticipants() : a.minParticipants();
        if (minParticipants < 2 || minParticipants > 1_000_000) {
            errors.add(new FieldError("analysis.minParticipants", "must be between 2 and 1000000"));
        }
        int minConversions = a.minConversions() == null ? d.minConversions() : a.minConversions();
        if (minConversions < 0 || minConversions > 1_000_000) {
            errors.add(new FieldError("analysis.minConversions", "must be between 0 and 1000000"));
        }
        if (a.cupedWindowDays() != null && (a.cupedWindowDays() < 1 || a.cupedWindowDays() > 30)) {
            errors.add(new FieldError("analysis.cupedWindowDays", "must be between 1 and 30 days (or null: CUPED off)"));
        }
        double mde = a.targetMde() == null ? d.targetMde() : a.targetMde();
        if (!Double.isFinite(mde) || mde <= 0 || mde > 10) {
            errors.add(new FieldError("analysis.targetMde", "must be a relative lift above 0 and at most 10 (0.05 = 5 %)"));
        }
        return new AnalysisSettings(method, scale, correction, tuning, minParticipants, minConversions, a.cupedWindowDays(), mde);
    }

    private static List<VariantDefinition> variants(List<FieldError> errors, List<ExperimentRequest.VariantRequest> requested) {
        List<VariantDefinition> variants = new ArrayList<>();
        if (requested == null || requested.size() < 2) {
            errors.add(new FieldError("variants", "at least 2 variants are required (the first is the control)"));
            return variants;
        }
        if (requested.size() > MAX_VARIANTS) {
            errors.add(new FieldError("variants", "at most " + MAX_VARIANTS + " variants"));
        }
        Set<String> keys = new HashSet<>();
        double sum = 0;
        boolean weightsOk = true;
        for (int i = 0; i < requested.size(); i++) {
            String at = "variants[" + i + "]";
            ExperimentRequest.VariantRequest v = requested.get(i);
            if (v == null) {
                errors.add(new FieldError(at, "required"));
                weightsOk = false;
                continue;
            }
            if (checkKey(errors, at + ".key", v.key(), MAX_VARIANT_KEY) && !keys.add(v.key())) {
                errors.add(new FieldError(at + ".key", "duplicate variant key '" + v.key() + "'"));
            }
            if (v.weight() == null) {
                errors.add(new FieldError(at + ".weight", "required"));
                weightsOk = false;
            } else if (!Double.isFinite(v.weight()) || v.weight() < 0 || v.weight() > 1) {
                errors.add(new FieldError(at + ".weight", "must be between 0 and 1"));
                weightsOk = false;
            } else {
                sum += v.weight();
            }
            String parameters = "{}";
            if (v.parameters() != null && !v.parameters().isNull()) {
                if (!v.parameters().isObject()) {
                    errors.add(new FieldError(at + ".parameters", "must be a JSON object"));
                } else {
                    parameters = v.parameters().toString();
                    if (parameters.getBytes(StandardCharsets.UTF_8).length > MAX_PARAMETERS_BYTES) {
                        errors.add(new FieldError(at + ".parameters", "at most " + MAX_PARAMETERS_BYTES + " bytes of JSON"));
                    }
                }
            }
            String name = v.name() == null || v.name().isBlank() ? null : v.name().strip();
            if (name != null && name.length() > 200) {
                errors.add(new FieldError(at + ".name", "at most 200 characters"));
            }
            variants.add(new VariantDefinition(v.key(), name, v.weight() == null ? 0 : v.weight(), parameters));
        }
        if (weightsOk && Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
            errors.add(new FieldError("variants", "the weights must add up to 1 (they add up to " + sum + ")"));
        }
        return variants;
    }

    private static Metric metric(List<FieldError> errors, String at, ExperimentRequest.MetricRequest m) {
        if (m == null) {
            errors.add(new FieldError(at, "required: {\"name\": \"<event_type>[.<property>]\", \"kind\": \"conversion\" | \"mean\"}"));
            return null;
        }
        boolean ok = true;
        if (m.name() == null || m.name().isBlank()) {
            errors.add(new FieldError(at + ".name", "required"));
            ok = false;
        } else if (m.name().length() > 200 || !METRIC.matcher(m.name()).matches()) {
            errors.add(new FieldError(at + ".name", "must be an event type (e.g. treasure_claimed) or event_type.property "
                    + "(e.g. purchase_completed.revenue)"));
            ok = false;
        }
        MetricKind kind = MetricKind.parse(m.kind());
        if (kind == null) {
            errors.add(new FieldError(at + ".kind", "must be 'conversion' or 'mean'"));
            ok = false;
        }
        Metric.Direction direction = Metric.Direction.HIGHER;
        if (m.direction() != null && (direction = Metric.Direction.parse(m.direction())) == null) {
            errors.add(new FieldError(at + ".direction", "must be 'higher' or 'lower' (which way is better)"));
            ok = false;
        }
        Metric.Capping capping = null;
        if (m.capping() != null) {
            Metric.Capping.Type type = Metric.Capping.Type.parse(m.capping().type());
            Double value = m.capping().value();
            if (kind == MetricKind.CONVERSION) {
                errors.add(new FieldError(at + ".capping", "only mean metrics are capped"));
                ok = false;
            } else if (type == null) {
                errors.add(new FieldError(at + ".capping.type", "must be 'quantile' or 'absolute'"));
                ok = false;
            } else if (value == null || !Double.isFinite(value) || value <= 0
                    || (type == Metric.Capping.Type.QUANTILE && value >= 1)) {
                errors.add(new FieldError(at + ".capping.value", type == Metric.Capping.Type.QUANTILE
                        ? "a quantile between 0 and 1 exclusive, e.g. 0.99" : "a positive number"));
                ok = false;
            } else {
                capping = new Metric.Capping(type, value);
            }
        }
        return ok ? new Metric(m.name(), kind, direction, capping) : null;
    }

    private static boolean checkKey(List<FieldError> errors, String field, String key, int max) {
        if (key == null || key.isEmpty()) {
            errors.add(new FieldError(field, "required"));
            return false;
        }
        if (key.length() > max) {
            errors.add(new FieldError(field, "at most " + max + " characters"));
            return false;
        }
        if (!KEY.matcher(key).matches()) {
            errors.add(new FieldError(field, "only letters, digits, '.', '_' and '-', starting with a letter or digit"));
            return false;
        }
        return true;
    }

    /** The entity as the API shows it. */
    public static ExperimentView toView(Experiment e, Integer phase) {
        List<ExperimentView.VariantView> variants = new ArrayList<>();
        for (int i = 0; i < e.variants.size(); i++) {
            Variant v = e.variants.get(i);
            variants.add(new ExperimentView.VariantView(i, v.key, v.name, v.weight, parseJson(v.parameters)));
        }
        return new ExperimentView(e.key, e.name, e.description, e.status, e.coverage, variants, primaryMetric(e),
                guardrails(e.guardrailMetrics), phase, e.createdAt, e.updatedAt, e.startedAt, e.stoppedAt, e.version,
                e.analysis());
    }

    /** The primary metric as stored, or null when there is none. */
    public static Metric primaryMetric(Experiment e) {
        return e.primaryMetric == null ? null : new Metric(e.primaryMetric, e.primaryMetricKind, e.primaryMetricDirection,
                capping(e.primaryMetricCapping));
    }

    /** A capping stored as JSON text ({"type": ..., "value": ...}), or null. */
    public static Metric.Capping capping(String json) {
        if (json == null) {
            return null;
        }
        try {
            return capping(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored capping is not JSON: " + json, e);
        }
    }

    private static Metric.Capping capping(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return new Metric.Capping(Metric.Capping.Type.parse(node.path("type").asText()), node.path("value").asDouble());
    }

    /** A capping as the JSON text stored, or null. */
    public static String cappingJson(Metric.Capping capping) {
        if (capping == null) {
            return null;
        }
        return JSON.createObjectNode().put("type", capping.type().value()).put("value", capping.value()).toString();
    }

    public static PhaseView toView(Phase p) {
        return new PhaseView(p.number, p.startedAt, p.endedAt, p.coverage, allocation(p.variants), p.reason);
    }

    /** The guardrail metrics stored as JSON text. */
    public static List<Metric> guardrails(String json) {
        try {
            List<Metric> metrics = new ArrayList<>();
            for (JsonNode m : JSON.readTree(json == null ? "[]" : json)) {
                Metric.Direction direction = Metric.Direction.parse(m.path("direction").asText("higher"));
                metrics.add(new Metric(m.path("name").asText(), MetricKind.parse(m.path("kind").asText()), direction,
                        capping(m.get("capping"))));
            }
            return metrics;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored guardrail metrics are not JSON: " + json, e);
        }
    }

    /** Guardrail metrics as the JSON text stored. */
    public static String guardrailsJson(List<Metric> metrics) {
        var array = JSON.createArrayNode();
        for (Metric m : metrics) {
            ObjectNode node = array.addObject().put("name", m.name()).put("kind", m.kind().value())
                    .put("direction", m.direction().value());
            if (m.capping() != null) {
                node.putObject("capping").put("type", m.capping().type().value()).put("value", m.capping().value());
            }
        }
        return array.toString();
    }

    /** A phase's allocation stored as JSON text. */
    public static List<PhaseView.Allocation> allocation(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<PhaseView.Allocation>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored phase allocation is not JSON: " + json, e);
        }
    }

    /** The experiment's current allocation as the JSON text a phase stores. */
    public static String allocationJson(Experiment e) {
        var array = JSON.createArrayNode();
        e.variants.forEach(v -> array.addObject().put("key", v.key).put("weight", v.weight));
        return array.toString();
    }

    /** Stored JSON text as a tree (variant parameters). */
    public static JsonNode parseJson(String json) {
        try {
            return JSON.readTree(json == null ? "{}" : json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not valid: " + json, e);
        }
    }
}
