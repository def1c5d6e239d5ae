package io.veltrix.simulator.game;

import java.util.Map;

/**
 * A player's variant of one running experiment, as experiments-service defines it.
 *
 * @param experimentKey the experiment
 * @param variantKey    the variant key (what {@code experiment_viewed} reports)
 * @param variantIndex  its position: 0 is the control
 * @param parameters    the variant's reward structure (e.g. {@code coins_multiplier}), as the game reads it
 */
public record Assignment(String experimentKey, String variantKey, int variantIndex, Map<String, Object> parameters) {

    /** The reward structure's coin multiplier, 1 when the variant does not set one. */
    public double coinsMultiplier() {
        Object value = parameters == null ? null : parameters.get("coins_multiplier");
        return value instanceof Number number && number.doubleValue() > 0 ? number.doubleValue() : 1.0;
    }
}
