package io.veltrix.simulator.game;

/**
 * How the simulated players behave.
 *
 * @param players             size of the player pool
 * @param activeSessions      sessions played at the same time (their events interleave like real traffic)
 * @param purchaseProbability chance that a session of a control (or unexposed) player ends with a purchase
 * @param effect              the true effect: a player in variant i of an experiment purchases with probability
 *                            {@code purchaseProbability × (1 + effect × i)} (i = 0 is the control); over several
 *                            experiments the factors multiply
 * @param treasureProbability chance that a hunt ends with a claimed treasure
 * @param playerPrefix        player ids are {@code <prefix>-<n>}: a run of its own has players of its own
 * @param seed                the random seed (same seed, same players and sessions)
 */
public record GameSettings(int players, int activeSessions, double purchaseProbability, double effect,
                           double treasureProbability, String playerPrefix, long seed) {

    public GameSettings {
        if (players < 1) {
            throw new IllegalArgumentException("players must be at least 1");
        }
        if (activeSessions < 1) {
            throw new IllegalArgumentException("activeSessions must be at least 1");
        }
        if (purchaseProbability < 0 || purchaseProbability > 1) {
            throw new IllegalArgumentException("purchaseProbability must be in [0, 1]");
        }
        if (effect <= -1) {
            throw new IllegalArgumentException("effect must be above -1 (a relative change)");
        }
        if (treasureProbability < 0 || treasureProbability > 1) {
            throw new IllegalArgumentException("treasureProbability must be in [0, 1]");
        }
    }

    public static GameSettings defaults(int players, double effect, String playerPrefix, long seed) {
        return new GameSettings(players, Math.min(players, 500), 0.10, effect, 0.7, playerPrefix, seed);
    }

    /** The purchase probability of a session in the given variant index (0 = control). */
    public double purchaseProbability(int variantIndex) {
        return Math.min(1.0, purchaseProbability * Math.max(0.0, 1.0 + effect * variantIndex));
    }
}
