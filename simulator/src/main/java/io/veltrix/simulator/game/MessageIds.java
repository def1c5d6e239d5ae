package io.veltrix.simulator.game;

import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs as SDKs generate for {@code messageId}, from a fast seeded generator instead of
 * {@code SecureRandom}: the load generator makes tens of thousands per second, and 122 random bits keep them
 * unique.
 */
final class MessageIds {
    private final SplittableRandom random;

    MessageIds(SplittableRandom random) {
        this.random = random;
    }

    String next() {
        long most = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long least = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}
