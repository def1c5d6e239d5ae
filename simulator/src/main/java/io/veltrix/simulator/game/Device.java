package io.veltrix.simulator.game;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What a player's SDK reports about the device in each message's {@code context}.
 *
 * @param platform   one of the {@code Platform} enum symbols of {@code session_started}
 * @param osName     e.g. iOS
 * @param osVersion  e.g. 17.4
 * @param model      e.g. iPhone15,2
 * @param deviceType ios, android, pc, console, web
 * @param locale     e.g. de-DE
 * @param timezone   e.g. Europe/Berlin
 * @param country    ISO 3166 alpha-2, for the identify traits and the session region
 */
public record Device(String platform, String osName, String osVersion, String model, String deviceType, String locale,
                     String timezone, String country) {

    private static final List<Device> PROFILES = List.of(
            new Device("ios", "iOS", "17.4", "iPhone15,2", "ios", "en-US", "America/New_York", "US"),
            new Device("ios", "iOS", "16.7", "iPhone13,4", "ios", "de-DE", "Europe/Berlin", "DE"),
            new Device("android", "Android", "14", "Pixel 8", "android", "en-GB", "Europe/London", "GB"),
            new Device("android", "Android", "13", "SM-S911B", "android", "fr-FR", "Europe/Paris", "FR"),
            new Device("android", "Android", "12", "Redmi Note 11", "android", "pt-BR", "America/Sao_Paulo", "BR"),
            new Device("pc", "Windows", "11", "Desktop", "pc", "en-US", "America/Chicago", "US"),
            new Device("console", "PlayStation", "5", "PS5", "console", "ja-JP", "Asia/Tokyo", "JP"),
            new Device("web", "Mac OS X", "14.4", "Macintosh", "web", "es-ES", "Europe/Madrid", "ES"));

    /** A device profile drawn with a realistic mix (mobile first). */
    static Device random(RandomGenerator random) {
        return PROFILES.get(random.nextInt(PROFILES.size()));
    }

    /** The game's region for this device: americas, europe or apac. */
    String region() {
        return switch (country) {
            case "US", "BR" -> "americas";
            case "JP" -> "apac";
            default -> "europe";
        };
    }
}
