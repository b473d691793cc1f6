package dev.lifeboat.deploy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus series names of the meters Lifeboat's code registers. The meters are found in the
 * main sources of every module ({@code Timer.builder("lifeboat.backup.duration")...register(r)} and
 * the like), registered again with the same type, base unit and histogram setting in the Prometheus
 * registry the services use, and scraped: the names are what that registry's naming convention
 * makes of them, not a guess of it.
 */
final class RegisteredMetrics {
  private static final Pattern BUILDER =
      Pattern.compile(
          "\\b(Timer|Counter|Gauge|DistributionSummary|LongTaskTimer)\\.builder\\(\\s*([A-Za-z_][A-Za-z0-9_.]*|\"[^\"]+\")");
  private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"([^\"]+)\"\\s*\\)");
  private static final Pattern CONSTANT = Pattern.compile("String\\s+%s\\s*=\\s*\"([^\"]+)\"\\s*;");

  /** One meter as the code builds it. */
  record Meter(String type, String name, String baseUnit, boolean histogram, Path source) {}

  private RegisteredMetrics() {}

  /** The meters of every module's main sources. */
  static List<Meter> meters() {
    List<Path> sources = new ArrayList<>();
    try {
      Files.walkFileTree(
          Repo.root(),
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
              boolean skip =
                  Set.of("target", "node_modules", ".git", ".stack").contains(name)
                      || dir.endsWith(Path.of("src", "test"));
              return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (file.toString().endsWith(".java")
                  && file.toString().contains("/src/main/java/")) {
                sources.add(file);
              }
              return FileVisitResult.CONTINUE;
            }
          });
      List<Meter> meters = new ArrayList<>();
      for (Path file : sources) {
        meters.addAll(meters(file, Files.readString(file)));
      }
      return meters;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Meter> meters(Path file, String source) {
    List<Meter> meters = new ArrayList<>();
    Matcher builder = BUILDER.matcher(source);
    while (builder.find()) {
      String argument = builder.group(2);
      String name;
      if (argument.startsWith("\"")) {
        name = argument.substring(1, argument.length() - 1);
      } else {
        Matcher constant =
            Pattern.compile(String.format(CONSTANT.pattern(), Pattern.quote(argument)))
                .matcher(source);
        if (!constant.find()) {
          throw new IllegalStateException(
              file + ": the meter name " + argument + " is not a String constant of the same file");
        }
        name = constant.group(1);
      }
      int end = source.indexOf(".register(", builder.end());
      if (end < 0) {
        throw new IllegalStateException(file + ": " + builder.group() + " is never registered");
      }
      String chain = source.substring(builder.end(), end);
      Matcher unit = BASE_UNIT.matcher(chain);
      meters.add(
          new Meter(
              builder.group(1),
              name,
              unit.find() ? unit.group(1) : null,
              chain.contains(".publishPercentileHistogram("),
              file));
    }
    return meters;
  }

  /**
   * Every series name the meters produce in Micrometer's Prometheus registry: the simpleclient one
   * (deprecated by Micrometer) because it is the one Quarkus' extension exports with.
   */
  @SuppressWarnings("deprecation")
  static Set<String> seriesNames(List<Meter> meters) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      for (Meter meter : meters) {
        switch (meter.type()) {
          case "Timer" -> {
            var timer = Timer.builder(meter.name());
            if (meter.histogram()) {
              timer.publishPercentileHistogram();
            }
            timer.register(registry);
          }
          case "DistributionSummary" -> {
            var summary = DistributionSummary.builder(meter.name()).baseUnit(meter.baseUnit());
            if (meter.histogram()) {
              summary.publishPercentileHistogram();
            }
            summary.register(registry);
          }
          case "Counter" ->
              Counter.builder(meter.name()).baseUnit(meter.baseUnit()).register(registry);
          case "Gauge" ->
              Gauge.builder(meter.name(), () -> 1).baseUnit(meter.baseUnit()).register(registry);
          case "LongTaskTimer" -> LongTaskTimer.builder(meter.name()).register(registry);
          default -> throw new IllegalStateException(meter.type());
        }
      }
      Set<String> names = new TreeSet<>();
      for (String line : registry.scrape().split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.split("[{ ]", 2)[0]);
        }
      }
      return names;
    } finally {
      registry.close();
    }
  }
}
