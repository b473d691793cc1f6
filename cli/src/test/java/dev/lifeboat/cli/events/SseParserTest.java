package dev.lifeboat.cli.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private static List<SseParser.Event> feed(SseParser parser, String stream) {
    List<SseParser.Event> events = new ArrayList<>();
    for (String line : stream.split("\n", -1)) {
      SseParser.Event e = parser.line(line);
      if (e != null) {
        events.add(e);
      }
    }
    return events;
  }

  @Test
  void eventsWithIdsTypesAndMultiLineData() {
    SseParser parser = new SseParser();
    List<SseParser.Event> events =
        feed(
            parser,
            """
            : keep-alive
            retry: 3000
            id: 41
            event: lifeboat
            data: {"a":1,
            data:  "b":2}

            id: 42
            data:{"c":3}

            """);
    assertEquals(2, events.size());
    assertEquals(new SseParser.Event("41", "lifeboat", "{\"a\":1,\n \"b\":2}"), events.get(0));
    assertEquals(new SseParser.Event("42", "message", "{\"c\":3}"), events.get(1));
    assertEquals("42", parser.lastEventId());
    assertEquals(3000L, parser.retryMillis());
  }

  @Test
  void anIdWithoutDataDispatchesNothingButIsRemembered() {
    SseParser parser = new SseParser();
    assertEquals(List.of(), feed(parser, "id: 7\n\n"));
    assertEquals("7", parser.lastEventId());
  }

  @Test
  void anUnfinishedEventIsDroppedOnReconnect() {
    SseParser parser = new SseParser();
    feed(parser, "id: 1\ndata: half");
    parser.reset();
    List<SseParser.Event> events = feed(parser, "data: whole\n\n");
    assertEquals(List.of(new SseParser.Event("1", "message", "whole")), events);
    assertNull(new SseParser().retryMillis());
  }
}
