package io.veltrix.experiments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veltrix.experiments.service.ResultsCalculator.Comparison;
import io.veltrix.experiments.service.ResultsCalculator.Srm;
import io.veltrix.experiments.service.ResultsCalculator.Summary;
import io.veltrix.experiments.support.NodeRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * For fixed counts, every p-value, interval, χ², Holm adjustment and chance to beat control agrees to 1e-6 with an
 * independent implementation: {@code src/test/resources/node/stats-reference.js}, which uses the npm package jStat
 * 1.9.6 for the normal, Student t and χ² distributions and the exact closed-form sum (not quadrature) for the
 * Beta-Binomial chance to beat control. Node.js runs it; npm installs jStat into target/node.
 */
class ResultsCalculatorReferenceTest {

    private static final double TOLERANCE = 1e-6;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final long[][] CONVERSIONS = {
        {1000, 100, 1000, 130}, {5000, 600, 5200, 650}, {200, 3, 210, 9}, {12000, 3000, 11800, 3100},
        {50, 10, 60, 20}, {2000, 400, 2000, 380}, {900, 450, 1100, 600},
    };
    private static final long[][] SRM = {{900, 1100}, {1010, 990}, {1000, 2000, 3100}, {480, 520, 310, 690}};
    private static final double[][] SRM_WEIGHTS = {{0.5, 0.5}, {0.5, 0.5}, {0.2, 0.3, 0.5}, {0.25, 0.25, 0.2, 0.3}};
    private static final double[][] HOLM = {{0.03, 0.5, 0.01, 0.02}, {0.0004, 0.2, 0.049, 0.013, 0.9, 0.013}};

    private static List<Summary[]> means;
    private static JsonNode reference;

    @BeforeAll
    static void computeReference() throws Exception {
        means = new ArrayList<>();
        Random random = new Random(20260501);
        int[][] sizes = {{300, 320}, {1000, 950}, {40, 25}, {5000, 5100}};
        double[][] params = {{10, 10.8, 4}, {2.5, 2.4, 6}, {100, 140, 50}, {0.7, 0.75, 2}};
        for (int i = 0; i < sizes.length; i++) {
            Summary c = sample(random, sizes[i][0], params[i][0], params[i][2]);
            Summary t = sample(random, sizes[i][1], params[i][1], params[i][2]);
            means.add(new Summary[] {c, t});
        }
        ObjectNode input = JSON.createObjectNode();
        ArrayNode conversion = input.putArray("conversion");
        for (long[] c : CONVERSIONS) {
            conversion.addObject().put("nc", c[0]).put("xc", c[1]).put("nt", c[2]).put("xt", c[3]);
        }
        ArrayNode mean = input.putArray("mean");
        for (Summary[] m : means) {
            mean.addObject().put("nc", m[0].participants()).put("sc", m[0].sum()).put("qc", m[0].sumSquares())
                    .put("nt", m[1].participants()).put("st", m[1].sum()).put("qt", m[1].sumSquares());
        }
        ArrayNode srm = input.putArray("srm");
        for (int i = 0; i < SRM.length; i++) {
            ObjectNode s = srm.addObject();
            ArrayNode observed = s.putArray("observed");
            ArrayNode weights = s.putArray("weights");
            for (int j = 0; j < SRM[i].length; j++) {
                observed.add(SRM[i][j]);
                weights.add(SRM_WEIGHTS[i][j]);
            }
        }
        ArrayNode holm = input.putArray("holm");
        for (double[] ps : HOLM) {
            ArrayNode list = holm.addArray();
            for (double p : ps) {
                list.add(p);
            }
        }
        reference = JSON.readTree(NodeRunner.run("stats-reference.js", JSON.writeValueAsString(input), NodeRunner.JSTAT));
    }

    /** n participants whose totals are normal(mean, sd) rounded to cents, zero for about a third of them. */
    private static Summary sample(Random random, int n, double mean, double sd) {
        double sum = 0;
        double squares = 0;
        long converted = 0;
        for (int i = 0; i < n; i++) {
            double x = random.nextInt(3) == 0 ? 0 : Math.max(0, Math.round((mean + sd * random.nextGaussian()) * 100) / 100.0);
            sum += x;
            squares += x * x;
            converted += x > 0 ? 1 : 0;
        }
        return new Summary(n, converted, sum, squares);
    }

    @Test
    void conversionMetricsAgreeWithJStat() {
        for (int i = 0; i < CONVERSIONS.length; i++) {
            long[] c = CONVERSIONS[i];
            Comparison actual = ResultsCalculator.conversion(new Summary(c[0], c[1], 0, 0), new Summary(c[2], c[3], 0, 0));
            JsonNode expected = reference.get("conversion").get(i);
            String at = "conversion case " + i;
            assertComparison(expected, actual, at);
        }
    }

    @Test
    void meanMetricsAgreeWithJStat() {
        for (int i = 0; i < means.size(); i++) {
            Comparison actual = ResultsCalculator.mean(means.get(i)[0], means.get(i)[1]);
            JsonNode expected = reference.get("mean").get(i);
            String at = "mean case " + i;
            assertComparison(expected, actual, at);
            assertEquals(expected.get("df").asDouble(), actual.degreesOfFreedom(), TOLERANCE, at + " df");
        }
    }

    @Test
    void srmAgreesWithJStat() {
        for (int i = 0; i < SRM.length; i++) {
            Srm actual = ResultsCalculator.srm(SRM[i], SRM_WEIGHTS[i]);
            JsonNode expected = reference.get("srm").get(i);
            assertEquals(expected.get("chiSquare").asDouble(), actual.chiSquare(), TOLERANCE, "srm χ² case " + i);
            assertEquals(expected.get("df").asInt(), actual.degreesOfFreedom(), "srm df case " + i);
            assertEquals(expected.get("pValue").asDouble(), actual.pValue(), TOLERANCE, "srm p case " + i);
        }
    }

    @Test
    void holmAgreesWithTheReference() {
        for (int i = 0; i < HOLM.length; i++) {
            double[] actual = ResultsCalculator.holm(HOLM[i]);
            for (int j = 0; j < actual.length; j++) {
                assertEquals(reference.get("holm").get(i).get(j).asDouble(), actual[j], TOLERANCE, "holm " + i + "/" + j);
            }
        }
    }

    private static void assertComparison(JsonNode expected, Comparison actual, String at) {
        assertEquals(expected.get("absoluteLift").asDouble(), actual.absoluteLift(), TOLERANCE, at + " absolute lift");
        assertEquals(expected.get("absLower").asDouble(), actual.absoluteCi().lower(), TOLERANCE, at + " absolute CI low");
        assertEquals(expected.get("absUpper").asDouble(), actual.absoluteCi().upper(), TOLERANCE, at + " absolute CI high");
        assertEquals(expected.get("relativeLift").asDouble(), actual.relativeLift(), TOLERANCE, at + " relative lift");
        assertEquals(expected.get("relLower").asDouble(), actual.relativeCi().lower(), TOLERANCE, at + " relative CI low");
        assertEquals(expected.get("relUpper").asDouble(), actual.relativeCi().upper(), TOLERANCE, at + " relative CI high");
        assertEquals(expected.get("statistic").asDouble(), actual.statistic(), TOLERANCE, at + " statistic");
        assertEquals(expected.get("pValue").asDouble(), actual.pValue(), TOLERANCE, at + " p-value");
        assertEquals(expected.get("chance").asDouble(), actual.chanceToBeatControl(), TOLERANCE, at + " chance to beat");
    }
}
