package io.veltrix.simulator.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.veltrix.schemas.EventCatalog;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class TreasureHuntGameTest {

    private static final Assignment CONTROL = new Assignment("exp", "control", 0, Map.of("coins_multiplier", 1.0));
    private static final Assignment BONUS = new Assignment("exp", "bonus", 1, Map.of("coins_multiplier", 1.5));

    private static TreasureHuntGame game(int players, double effect, long seed) {
        GameSettings settings = GameSettings.defaults(players, effect, "t", seed);
        // even players in control, odd ones in the bonus variant
        return new TreasureHuntGame(settings, p -> List.of(Integer.parseInt(p.substring(2)) % 2 == 0 ? CONTROL : BONUS),
                Clock.fixed(Instant.parse("2026-11-26T10:00:00.123456Z"), ZoneOffset.UTC));
    }

    @Test
    void everyEventFitsItsAvroSchema() {
        TreasureHuntGame game = game(300, 0.3, 1);
        Set<String> types = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            GameEvent event = game.next();
            String type = event.isTrack() ? event.event() : event.type();
            types.add(type);
            Schema schema = schema(type);
            Schema part = schema.getField(event.isTrack() ? "properties" : "traits").schema();
            checkRecord(type, part, event.properties());
            assertEquals(Instant.parse("2026-11-26T10:00:00.123Z"), event.timestamp(), "timestamps in milliseconds");
        }
        assertEquals(Set.of("identify", "session_started", "experiment_viewed", "clue_found", "treasure_claimed",
                "reward_granted", "purchase_completed"), types);
    }

    @Test
    void messageIdsAreUniqueAndEachPlayersSessionIsInOrder() {
        TreasureHuntGame game = game(50, 0.3, 2);
        Set<String> ids = new HashSet<>();
        Map<String, String> lastEvent = new HashMap<>();
        Map<String, Boolean> exposedThisSession = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            GameEvent event = game.next();
            assertTrue(ids.add(event.messageId()), "duplicate messageId " + event.messageId());
            String previous = lastEvent.put(event.playerId(), event.isTrack() ? event.event() : event.type());
            if (event.isTrack() && event.event().equals("session_started")) {
                exposedThisSession.put(event.playerId(), false);
                assertTrue(previous == null || !previous.equals("session_started"));
            } else if (event.isTrack() && event.event().equals("experiment_viewed")) {
                assertEquals("session_started", previous, "the exposure follows the session start");
                exposedThisSession.put(event.playerId(), true);
            } else if (event.isTrack() && event.event().equals("purchase_completed")) {
                assertTrue(exposedThisSession.get(event.playerId()), "a purchase follows the session's exposure");
            }
        }
    }

    @Test
    void theTrueEffectShowsInPurchasesAndTheVariantParametersInCoins() {
        TreasureHuntGame game = game(2000, 0.5, 3);
        Map<String, int[]> sessionsAndPurchases = new HashMap<>();
        Map<String, long[]> coins = new HashMap<>();
        Map<String, String> variantOf = new HashMap<>();
        for (int i = 0; i < 400_000; i++) {
            GameEvent event = game.next();
            if (!event.isTrack()) {
                continue;
            }
            switch (event.event()) {
                case "experiment_viewed" -> {
                    String variant = (String) event.properties().get("variant");
                    variantOf.put(event.playerId(), variant);
                    sessionsAndPurchases.computeIfAbsent(variant, v -> new int[2])[0]++;
                }
                case "purchase_completed" -> sessionsAndPurchases.get(variantOf.get(event.playerId()))[1]++;
                case "treasure_claimed" -> {
                    long[] c = coins.computeIfAbsent(variantOf.get(event.playerId()), v -> new long[2]);
                    c[0] += (Long) event.properties().get("coins");
                    c[1]++;
                }
                default -> { }
            }
        }
        double control = rate(sessionsAndPurchases.get("control"));
        double bonus = rate(sessionsAndPurchases.get("bonus"));
        assertEquals(0.10, control, 0.01);
        assertEquals(0.15, bonus, 0.012);
        double controlCoins = (double) coins.get("control")[0] / coins.get("control")[1];
        double bonusCoins = (double) coins.get("bonus")[0] / coins.get("bonus")[1];
        assertEquals(1.5, bonusCoins / controlCoins, 0.05);
    }

    @Test
    void theSameSeedPlaysTheSameGameButNeverSendsTheSameMessageIds() {
        TreasureHuntGame a = game(100, 0.3, 7);
        TreasureHuntGame b = game(100, 0.3, 7);
        for (int i = 0; i < 1000; i++) {
            GameEvent x = a.next();
            GameEvent y = b.next();
            assertEquals(x.playerId(), y.playerId());
            assertEquals(x.event(), y.event());
            assertTrue(!x.messageId().equals(y.messageId()));
        }
    }

    private static double rate(int[] counts) {
        return (double) counts[1] / counts[0];
    }

    private static Schema schema(String eventType) {
        String record = EventCatalog.recordName(eventType);
        Optional<Schema> schema = EventCatalog.registeredSchemas().stream().filter(s -> s.getName().equals(record)).findFirst();
        assertTrue(schema.isPresent(), "no schema for " + eventType);
        return schema.get();
    }

    /** What ingest checks: no unknown property, every required one present, each of the schema's type. */
    private static void checkRecord(String type, Schema record, Map<String, Object> values) {
        for (String key : values.keySet()) {
            assertNotNull(record.getField(key), type + ": unknown property " + key);
        }
        List<String> missing = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            Object value = values.get(field.name());
            if (value == null) {
                if (!field.hasDefaultValue()) {
                    missing.add(field.name());
                }
                continue;
            }
            checkValue(type + "." + field.name(), field.schema(), value);
            Object max = field.getObjectProp("veltrix.maxLength");
            assertTrue(max == null || value.toString().length() <= ((Number) max).intValue(), field.name() + " too long");
        }
        assertTrue(missing.isEmpty(), type + ": missing required " + missing);
    }

    private static void checkValue(String path, Schema schema, Object value) {
        switch (schema.getType()) {
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        checkValue(path, branch, value);
                        return;
                    }
                }
            }
            case STRING -> assertTrue(value instanceof String, path + " must be a string");
            case INT -> assertTrue(value instanceof Integer, path + " must be an int");
            case LONG -> assertTrue(value instanceof Long || value instanceof Integer, path + " must be a long");
            case DOUBLE -> assertTrue(value instanceof Double, path + " must be a double");
            case BOOLEAN -> assertTrue(value instanceof Boolean, path + " must be a boolean");
            case ENUM -> assertTrue(schema.getEnumSymbols().contains(value), path + ": " + value + " not in " + schema.getEnumSymbols());
            default -> fail(path + ": unexpected schema type " + schema.getType());
        }
    }
}
