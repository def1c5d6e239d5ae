package io.veltrix.stack;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting with a deadline: every poll loop in the stack goes through here. */
final class Await {
    private Await() {
    }

    /**
     * Polls {@code condition} every {@code interval} until it is true (returns true) or the
     * timeout passes (returns false). The condition may throw a StackException to give up early.
     */
    static boolean until(Duration timeout, Duration interval, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            pause(Duration.ofNanos(Math.min(left, interval.toNanos())));
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }
}
