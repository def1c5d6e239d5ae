package io.veltrix.simulator.game;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The Treasure Hunt game played by a pool of players, as one stream of events in the order a fleet of devices
 * would send them.
 *
 * <p>A session is: {@code session_started}; an {@code experiment_viewed} for each running experiment the player is
 * in (the game shows the reward structure of the player's variant); 2-5 {@code clue_found}; with
 * {@link GameSettings#treasureProbability()} a {@code treasure_claimed} worth tier coins × the variant's
 * {@code coins_multiplier}, followed by its {@code reward_granted}; with the variant's purchase probability a
 * {@code purchase_completed}. A player's first session starts with an {@code identify}. Many sessions run at once
 * and their events interleave; a player plays one session at a time, so each player's events stay in order and
 * a purchase always follows the exposure of its session.
 *
 * <p>Not thread-safe: one generator thread calls {@link #next()}.
 */
public final class TreasureHuntGame {

    static final String APP_VERSION = "2.7.1";
    private static final String[] TIERS = {"common", "rare", "epic", "legendary"};
    private static final double[] TIER_SHARE = {0.60, 0.25, 0.12, 0.03};
    private static final long[] TIER_COINS = {50, 120, 300, 1000};
    private static final String[] PRODUCTS = {"gem_pack_small", "gem_pack_medium", "gem_pack_large"};
    private static final double[] PRODUCT_PRICE = {0.99, 4.99, 9.99};

    private final GameSettings settings;
    private final Function<String, List<Assignment>> assignments;
    private final Clock clock;
    private final SplittableRandom random;
    private final MessageIds messageIds;
    private final Device[] devices;
    private final BitSet playing;
    private final BitSet identified;
    private final List<Session> sessions = new ArrayList<>();
    private long sessionCounter;
    private long eventCounter;

    /**
     * @param assignments a player's variants of the running experiments (empty: in none); called once per session,
     *                    so it should be cached
     */
    public TreasureHuntGame(GameSettings settings, Function<String, List<Assignment>> assignments, Clock clock) {
        this.settings = settings;
        this.assignments = assignments;
        this.clock = clock;
        this.random = new SplittableRandom(settings.seed());
        // never from the seed: a second run with the same seed must not send the same messageIds (duplicates)
        this.messageIds = new MessageIds(new SplittableRandom(new java.security.SecureRandom().nextLong()));
        this.devices = new Device[settings.players()];
        this.playing = new BitSet(settings.players());
        this.identified = new BitSet(settings.players());
        for (int i = 0; i < devices.length; i++) {
            devices[i] = Device.random(random);
        }
        int active = Math.min(settings.activeSessions(), settings.players());
        for (int i = 0; i < active; i++) {
            sessions.add(newSession());
        }
    }

    /** The id of player number {@code n}. */
    public static String playerId(String prefix, int n) {
        return prefix + "-" + n;
    }

    /** Every player id of the pool, e.g. to resolve their assignments before the clock starts. */
    public List<String> playerIds() {
        List<String> ids = new ArrayList<>(settings.players());
        for (int i = 0; i < settings.players(); i++) {
            ids.add(playerId(settings.playerPrefix(), i));
        }
        return ids;
    }

    /** The next event of the stream (never ends). */
    public GameEvent next() {
        int slot = random.nextInt(sessions.size());
        Session session = sessions.get(slot);
        Step step = session.steps.poll();
        if (session.steps.isEmpty()) {
            playing.clear(session.player);
            sessions.set(slot, newSession());
        }
        eventCounter++;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return new GameEvent(step.type, step.event, session.playerId, messageIds.next(), now, step.properties,
                devices[session.player]);
    }

    /** Events produced so far. */
    public long events() {
        return eventCounter;
    }

    private Session newSession() {
        int player = freePlayer();
        playing.set(player);
        String playerId = playerId(settings.playerPrefix(), player);
        Device device = devices[player];
        String sessionId = "s-" + settings.playerPrefix() + "-" + (++sessionCounter);
        ArrayDeque<Step> steps = new ArrayDeque<>(12);

        if (!identified.get(player)) {
            identified.set(player);
            Map<String, Object> traits = new LinkedHashMap<>();
            traits.put("country", device.country());
            traits.put("language", device.locale().substring(0, 2));
            traits.put("platform", device.platform());
            steps.add(new Step(GameEvent.IDENTIFY, null, traits));
        }

        Map<String, Object> started = new LinkedHashMap<>();
        started.put("session_id", sessionId);
        started.put("platform", device.platform());
        started.put("app_version", APP_VERSION);
        started.put("region", device.region());
        steps.add(track("session_started", started));

        List<Assignment> variants = assignments.apply(playerId);
        double coinsMultiplier = 1.0;
        double purchaseProbability = settings.purchaseProbability(0);
        for (Assignment assignment : variants) {
            Map<String, Object> viewed = new LinkedHashMap<>();
            viewed.put("experiment_key", assignment.experimentKey());
            viewed.put("variant", assignment.variantKey());
            steps.add(track("experiment_viewed", viewed));
            coinsMultiplier *= assignment.coinsMultiplier();
            purchaseProbability *= settings.purchaseProbability(assignment.variantIndex()) / settings.purchaseProbability(0);
        }
        if (settings.purchaseProbability(0) == 0) {
            purchaseProbability = 0;
        }

        String huntId = "hunt-" + (1 + random.nextInt(40));
        int clues = 2 + random.nextInt(4);
        for (int i = 1; i <= clues; i++) {
            Map<String, Object> clue = new LinkedHashMap<>();
            clue.put("session_id", sessionId);
            clue.put("hunt_id", huntId);
            clue.put("clue_id", huntId + "-clue-" + i);
            clue.put("clue_index", i);
            clue.put("hint_used", random.nextDouble() < 0.3);
            clue.put("seconds_to_find", Math.round((5 + random.nextDouble() * 115) * 10) / 10.0);
            steps.add(track("clue_found", clue));
        }
        if (random.nextDouble() < settings.treasureProbability()) {
            int tier = tier();
            long coins = Math.round(TIER_COINS[tier] * coinsMultiplier);
            String treasureId = huntId + "-treasure-" + TIERS[tier];
            Map<String, Object> claimed = new LinkedHashMap<>();
            claimed.put("session_id", sessionId);
            claimed.put("hunt_id", huntId);
            claimed.put("treasure_id", treasureId);
            claimed.put("tier", TIERS[tier]);
            claimed.put("coins", coins);
            steps.add(track("treasure_claimed", claimed));
            Map<String, Object> reward = new LinkedHashMap<>();
            reward.put("reward_id", "r-" + sessionId);
            reward.put("reward_type", "coins");
            reward.put("amount", coins);
            reward.put("reason", "treasure_bonus");
            steps.add(track("reward_granted", reward));
        }
        if (random.nextDouble() < Math.min(1.0, purchaseProbability)) {
            int product = random.nextInt(PRODUCTS.length);
            Map<String, Object> purchase = new LinkedHashMap<>();
            purchase.put("order_id", "o-" + sessionId);
            purchase.put("product_id", PRODUCTS[product]);
            purchase.put("revenue", PRODUCT_PRICE[product]);
            purchase.put("currency", "EUR");
            purchase.put("quantity", 1);
            steps.add(track("purchase_completed", purchase));
        }
        return new Session(player, playerId, steps);
    }

    private int freePlayer() {
        int n = settings.players();
        int candidate = random.nextInt(n);
        int free = playing.nextClearBit(candidate);
        if (free >= n) {
            free = playing.nextClearBit(0);
        }
        return free;
    }

    private int tier() {
        double draw = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < TIERS.length; i++) {
            cumulative += TIER_SHARE[i];
            if (draw < cumulative) {
                return i;
            }
        }
        return 0;
    }

    private static Step track(String event, Map<String, Object> properties) {
        return new Step(GameEvent.TRACK, event, properties);
    }

    private record Step(String type, String event, Map<String, Object> properties) {
    }

    private record Session(int player, String playerId, ArrayDeque<Step> steps) {
    }
}
