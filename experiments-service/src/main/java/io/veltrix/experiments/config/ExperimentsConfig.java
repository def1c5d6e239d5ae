package io.veltrix.experiments.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * The experiments API's tokens (from a Secret: {@code VELTRIX_EXPERIMENTS_ADMIN_TOKEN},
 * {@code VELTRIX_EXPERIMENTS_READ_TOKEN}, {@code VELTRIX_EXPERIMENTS_SDK_KEY}), sent as
 * {@code Authorization: Bearer <token>}, each granting roles ({@link io.veltrix.security.Roles}); see
 * {@link ApiTokens}. A token that is not set lets nobody in.
 */
@ConfigMapping(prefix = "veltrix.experiments")
public interface ExperimentsConfig {

    /** Roles admin, analyst and sdk: changes experiments, reads everything. */
    Optional<String> adminToken();

    /** Role analyst (the analyst token): reads experiments, results and traffic; changes nothing. */
    Optional<String> readToken();

    /**
     * Role sdk: the key shipped inside game clients (also GrowthBook's {@code clientKey}); reads assignments and the
     * SDK payload, nothing else.
     */
    Optional<String> sdkKey();
}
