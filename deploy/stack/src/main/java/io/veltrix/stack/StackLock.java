package io.veltrix.stack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * An exclusive lock on a file, held for a process's whole life. The OS releases it when the process
 * dies, even on kill -9, so "is the stack running" is "is its lock held".
 */
final class StackLock implements AutoCloseable {
    /**
     * Lock files this JVM holds. POSIX drops all of a process's locks on a file when any channel on it
     * is closed, so {@link #isHeld} must never open (and close) a file that this JVM has locked.
     */
    private static final java.util.Set<Path> HELD_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private StackLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, retrying until the timeout (someone may be probing it for a moment). */
    static Optional<StackLock> tryAcquire(Path file, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<StackLock> lock = tryAcquireOnce(file);
            if (lock.isPresent() || System.nanoTime() >= deadline) {
                return lock;
            }
            Await.pause(Duration.ofMillis(100));
        }
    }

    private static synchronized Optional<StackLock> tryAcquireOnce(Path file) {
        Path key = file.toAbsolutePath().normalize();
        if (HELD_HERE.contains(key)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            HELD_HERE.add(key);
            return Optional.of(new StackLock(key, channel, lock));
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            return Optional.empty();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StackException("cannot open lock file " + file + ": " + e.getMessage(), e);
        }
    }

    /** True when some process (this one included) holds the lock. */
    static boolean isHeld(Path file) {
        if (HELD_HERE.contains(file.toAbsolutePath().normalize())) {
            return true;
        }
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            throw new StackException("cannot check lock file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            // released with the channel anyway
        }
        closeQuietly(channel);
        HELD_HERE.remove(file);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
