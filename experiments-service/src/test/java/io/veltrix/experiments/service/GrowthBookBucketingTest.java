package io.veltrix.experiments.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.veltrix.experiments.service.GrowthBookBucketing.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hash version 2 against the vectors in DESIGN.md ("Experiments"), checked there with the GrowthBook JS SDK. */
class GrowthBookBucketingTest {

    private static final double[] HALF_HALF = {0.5, 0.5};
    private static final double[] CLUE_PRICING = {0.2, 0.3, 0.5};

    @ParameterizedTest
    @CsvSource({
        "reward-boost-2026, player-1, 0.481, 0",
        "reward-boost-2026, abc, 0.9011, 1",
        "reward-boost-2026, u_123456, 0.6522, 1",
    })
    void designVectorsEqualWeights(String key, String player, double bucket, int variant) {
        Placement placement = GrowthBookBucketing.place(key, 1, HALF_HALF, player);
        assertEquals(bucket, placement.bucket(), 0);
        assertEquals(variant, placement.variant());
    }

    @ParameterizedTest
    @CsvSource({
        "clue-pricing, p-42, 0.2753, 1",
        "clue-pricing, u_123456, 0.0122, 0",
        "clue-pricing, player-1, 0.8185, 2",
    })
    void designVectorsUnequalWeightsPartialCoverage(String key, String player, double bucket, int variant) {
        Placement placement = GrowthBookBucketing.place(key, 0.8, CLUE_PRICING, player);
        assertEquals(bucket, placement.bucket(), 0);
        assertEquals(variant, placement.variant());
    }

    @Test
    void fnv32aOfKnownStrings() {
        // FNV-1a 32-bit reference values (the FNV authors' test suite)
        assertEquals(0x811C9DC5L, GrowthBookBucketing.fnv32a(""));
        assertEquals(0xE40C292CL, GrowthBookBucketing.fnv32a("a"));
        assertEquals(0xBF9CF968L, GrowthBookBucketing.fnv32a("foobar"));
    }

    @Test
    void rangesFollowWeightsAndCoverage() {
        double[][] ranges = GrowthBookBucketing.ranges(0.8, CLUE_PRICING);
        assertArrayEquals(new double[] {0, 0.16000000000000003}, ranges[0], 1e-15);
        assertArrayEquals(new double[] {0.2, 0.44}, ranges[1], 1e-15);
        assertArrayEquals(new double[] {0.5, 0.9}, ranges[2], 1e-15);
        // outside every range: not in the experiment
        assertEquals(-1, GrowthBookBucketing.choose(0.17, ranges));
        assertEquals(-1, GrowthBookBucketing.choose(0.95, ranges));
    }

    @Test
    void weightsThatDoNotSumToOneFallBackToEqualLikeTheSdk() {
        double[][] ranges = GrowthBookBucketing.ranges(1, new double[] {0.2, 0.2});
        assertArrayEquals(new double[] {0, 0.5}, ranges[0], 0);
        assertArrayEquals(new double[] {0.5, 1}, ranges[1], 0);
    }

    @Test
    void noIdNoExperiment() {
        assertFalse(GrowthBookBucketing.place("k", 1, HALF_HALF, "").inExperiment());
        assertFalse(GrowthBookBucketing.place("k", 1, HALF_HALF, null).inExperiment());
        assertFalse(GrowthBookBucketing.place("k", 0, HALF_HALF, "player-1").inExperiment());
    }
}
