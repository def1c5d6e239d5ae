package io.veltrix.experiments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veltrix.experiments.Experiment;
import io.veltrix.experiments.ExperimentStatus;
import io.veltrix.experiments.Variant;
import io.veltrix.experiments.mapping.ExperimentMapper;
import io.veltrix.experiments.mapping.SdkPayloadMapper;
import io.veltrix.experiments.service.GrowthBookBucketing.Placement;
import io.veltrix.experiments.support.NodeRunner;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * 10,000 random player ids, four experiments (unequal weights, partial coverage): the variant our assignment computes
 * equals what the real GrowthBook JS SDK (@growthbook/growthbook 1.8.0, run by Node.js from
 * {@code src/test/resources/node/growthbook-assign.js}) evaluates from our SDK payload — same variation, same
 * variant key reported to the tracking callback, same parameters, same bucket.
 */
class GrowthBookSdkAgreementTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PLAYERS = 10_000;
    private static final Comparator<JsonNode> NUMERIC = (a, b) -> a.isNumber() && b.isNumber()
            ? Double.compare(a.asDouble(), b.asDouble()) : a.equals(b) ? 0 : 1;

    @Test
    void assignmentsAgreeWithTheGrowthBookJsSdk() throws Exception {
        List<Experiment> experiments = List.of(
                experiment("clue-pricing", 0.8, new double[] {0.2, 0.3, 0.5}),
                experiment("reward-boost-2026", 1, new double[] {0.5, 0.5}),
                experiment("daily-chest-odds", 0.35, new double[] {0.1, 0.6, 0.3}),
                experiment("hunt-energy.v2", 0.5, new double[] {0.7, 0.1, 0.1, 0.1}));
        List<String> ids = playerIds();

        ObjectNode input = JSON.createObjectNode();
        input.set("payload", SdkPayloadMapper.payload(experiments, Map.of("clue-pricing", 3), OffsetDateTime.now()));
        ArrayNode features = input.putArray("features");
        experiments.forEach(e -> features.add(e.key));
        ArrayNode idArray = input.putArray("ids");
        ids.forEach(idArray::add);
        JsonNode sdk = JSON.readTree(NodeRunner.run("growthbook-assign.js", JSON.writeValueAsString(input), NodeRunner.GROWTHBOOK))
                .get("features");

        for (Experiment e : experiments) {
            JsonNode answers = sdk.get(e.key);
            assertEquals(ids.size(), answers.size());
            int[] perVariant = new int[e.variants.size() + 1];
            for (int i = 0; i < ids.size(); i++) {
                Placement ours = GrowthBookBucketing.place(e.key, e.coverage, e.weights(), ids.get(i));
                JsonNode theirs = answers.get(i);
                String at = e.key + " / player '" + ids.get(i) + "'";
                assertEquals(ours.variant(), theirs.get(0).asInt(), at + ": variation");
                perVariant[ours.variant() + 1]++;
                if (ours.inExperiment()) {
                    Variant v = e.variants.get(ours.variant());
                    assertEquals(v.key, theirs.get(1).asText(), at + ": tracked variant key");
                    // JS writes 1.0 as 1: numbers compare by value
                    assertTrue(ExperimentMapper.parseJson(v.parameters).equals(NUMERIC, JSON.readTree(theirs.get(2).asText())),
                            at + ": value " + theirs.get(2).asText());
                    assertEquals(ours.bucket(), theirs.get(3).asDouble(), 0, at + ": bucket");
                } else {
                    assertTrue(theirs.get(1).isNull(), at + ": not in the experiment");
                    assertEquals("null", theirs.get(2).asText(), at + ": default value");
                }
            }
            for (int c = 0; c < perVariant.length; c++) {
                if (c > 0 || e.coverage < 1) {
                    assertTrue(perVariant[c] > 0, e.key + ": some players in " + (c == 0 ? "no variant" : "variant " + (c - 1)));
                }
            }
        }
    }

    private static Experiment experiment(String key, double coverage, double[] weights) {
        Experiment e = new Experiment();
        e.key = key;
        e.name = key;
        e.status = ExperimentStatus.RUNNING;
        e.coverage = coverage;
        for (int i = 0; i < weights.length; i++) {
            e.variants.add(new Variant(i == 0 ? "control" : "v" + i, "Variant " + i, weights[i],
                    "{\"coins_multiplier\": " + (1 + i * 0.25) + ", \"tier\": \"t" + i + "\"}"));
        }
        return e;
    }

    /** Random ids of the shapes games use, some with non-ASCII characters (hashing is over UTF-16 code units). */
    private static List<String> playerIds() {
        Random random = new Random(42);
        String[] unicode = {"é", "ß", "漢字", "😀", "игрок", "𝔘"};
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PLAYERS; i++) {
            switch (i % 5) {
                case 0 -> ids.add(new UUID(random.nextLong(), random.nextLong()).toString());
                case 1 -> ids.add("player-" + random.nextInt(10_000_000));
                case 2 -> ids.add(Long.toString(Math.abs(random.nextLong())));
                case 3 -> ids.add("u_" + Integer.toString(random.nextInt(Integer.MAX_VALUE), 36));
                default -> ids.add(unicode[random.nextInt(unicode.length)] + "-" + random.nextInt(100_000));
            }
        }
        ids.addAll(List.of("player-1", "abc", "u_123456", "p-42"));
        return ids;
    }
}
