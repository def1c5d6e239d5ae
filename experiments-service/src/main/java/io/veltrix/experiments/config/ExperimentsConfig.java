package io.veltrix.experiments.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * The experiments API's tokens (from a Secret: {@code VELTRIX_EXPERIMENTS_ADMIN_TOKEN},
 * {@code VELTRIX_EXPERIMENTS_READ_TOKEN}). Sent as {@code Authorization: Bearer <token>}. The admin token may do
 * everything; the read token reads (experiments, assignments, results, the SDK payload). A token that is not set
 * lets nobody in.
 */
@ConfigMapping(prefix = "veltrix.experiments")
public interface ExperimentsConfig {

    /** Token for writes (create, update, start, stop, archive) and reads. */
    Optional<String> adminToken();

    /** Token for reads only. */
    Optional<String> readToken();
}
