package io.veltrix.experiments.mapping;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veltrix.experiments.Experiment;
import io.veltrix.experiments.Variant;
import io.veltrix.experiments.service.GrowthBookBucketing;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The running experiments as a GrowthBook SDK payload ({@code {"status": 200, "features": {...}}}), so that any
 * GrowthBook SDK evaluates them locally and computes the same variant as the assignment endpoint.
 *
 * <p>One feature per experiment, named by the experiment key. Its default value is {@code null} (not in the
 * experiment); its single rule is an experiment rule: {@code key} and {@code seed} = the experiment key,
 * {@code hashAttribute} "id" (the player id), {@code hashVersion} 2, the coverage and weights, one variation per
 * variant whose value is the variant's parameters, and {@code meta[i].key} = the variant key (what the SDK's
 * tracking callback reports as {@code result.key}, to send as {@code experiment_viewed.variant}).
 */
public final class SdkPayloadMapper {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SdkPayloadMapper() {
    }

    /**
     * The payload for these (running) experiments.
     *
     * @param phases the current phase number per experiment key (the rule's {@code phase}); may be empty
     */
    public static ObjectNode payload(List<Experiment> experiments, Map<String, Integer> phases, OffsetDateTime updated) {
        ObjectNode payload = NODES.objectNode();
        payload.put("status", 200);
        ObjectNode features = payload.putObject("features");
        for (Experiment e : experiments) {
            ObjectNode feature = features.putObject(e.key);
            feature.putNull("defaultValue");
            ObjectNode rule = feature.putArray("rules").addObject();
            rule.put("id", "veltrix_" + e.key);
            rule.put("key", e.key);
            rule.put("seed", e.key);
            rule.put("name", e.name);
            rule.put("hashAttribute", "id");
            rule.put("hashVersion", GrowthBookBucketing.HASH_VERSION);
            rule.put("coverage", e.coverage);
            Integer phase = phases.get(e.key);
            if (phase != null) {
                rule.put("phase", String.valueOf(phase));
            }
            ArrayNode variations = rule.putArray("variations");
            ArrayNode weights = rule.putArray("weights");
            ArrayNode meta = rule.putArray("meta");
            for (Variant v : e.variants) {
                variations.add(ExperimentMapper.parseJson(v.parameters));
                weights.add(v.weight);
                ObjectNode m = meta.addObject().put("key", v.key);
                if (v.name != null) {
                    m.put("name", v.name);
                }
            }
        }
        payload.putArray("experiments");
        payload.put("dateUpdated", updated.toString());
        return payload;
    }
}
