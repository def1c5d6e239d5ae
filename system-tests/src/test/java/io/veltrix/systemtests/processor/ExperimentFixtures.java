package io.veltrix.systemtests.processor;

import io.veltrix.testing.Database;

/**
 * Experiment definitions with the test's own keys, written straight into experiments-service's tables (it is
 * running, so its schema is migrated): the processor reads them through the view experiments.experiment_variant.
 */
final class ExperimentFixtures {

    private ExperimentFixtures() {
    }

    /** A running experiment with the given variant keys, equal weights, full coverage. */
    static void running(Database db, String key, String... variants) {
        long id = db.number("insert into experiments.experiment (key, name, status, coverage, started_at) "
                + "values (?, ?, 'running', 1, now()) returning id", key, "processor system test " + key);
        for (int i = 0; i < variants.length; i++) {
            db.number("insert into experiments.variant (experiment_id, position, key, weight) values (?, ?, ?, ?) "
                    + "returning position", id, i, variants[i], 1.0 / variants.length);
        }
    }
}
