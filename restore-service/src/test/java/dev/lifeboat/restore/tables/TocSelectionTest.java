package dev.lifeboat.restore.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lifeboat.common.databases.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class TocSelectionTest {
  /** What pg_restore 15 lists, with --verbose, for three tables, a view and their keys. */
  private static final String TOC =
      """
      ;
      ; Selected TOC Entries:
      ;
      3371; 0 0 ENCODING - ENCODING\s
      3374; 1262 16384 DATABASE - s pg
      215; 1259 16386 TABLE public customers pg
      214; 1259 16385 SEQUENCE public customers_id_seq pg
      ;\tdepends on: 215
      3375; 0 0 SEQUENCE OWNED BY public customers_id_seq pg
      ;\tdepends on: 214
      218; 1259 16409 TABLE public items pg
      217; 1259 16395 TABLE public orders pg
      3376; 0 0 COMMENT public TABLE orders pg
      ;\tdepends on: 217
      216; 1259 16394 SEQUENCE public orders_id_seq pg
      ;\tdepends on: 217
      219; 1259 16419 VIEW public v pg
      ;\tdepends on: 217 217 217
      3210; 2604 16389 DEFAULT public customers id pg
      ;\tdepends on: 215 214 215
      3365; 0 16386 TABLE DATA public customers pg
      ;\tdepends on: 215
      3368; 0 16409 TABLE DATA public items pg
      ;\tdepends on: 218
      3367; 0 16395 TABLE DATA public orders pg
      ;\tdepends on: 217
      3377; 0 0 SEQUENCE SET public customers_id_seq pg
      ;\tdepends on: 214
      3378; 0 0 SEQUENCE SET public orders_id_seq pg
      ;\tdepends on: 216
      3213; 2606 16393 CONSTRAINT public customers customers_pkey pg
      ;\tdepends on: 215
      3218; 2606 16413 CONSTRAINT public items items_pkey pg
      ;\tdepends on: 218
      3216; 2606 16402 CONSTRAINT public orders orders_pkey pg
      ;\tdepends on: 217
      3214; 1259 16408 INDEX public orders_customer_id_idx pg
      ;\tdepends on: 217
      3220; 2606 16414 FK CONSTRAINT public items items_order_id_fkey pg
      ;\tdepends on: 3216 218 217
      3219; 2606 16403 FK CONSTRAINT public orders orders_customer_id_fkey pg
      ;\tdepends on: 3213 215 217
      """;

  private static List<Integer> ids(List<String> lines) {
    return lines.stream().map(l -> Integer.parseInt(l.substring(0, l.indexOf(';')))).toList();
  }

  @Test
  void aTableComesWithWhatHangsOnItButNotWithViewsOrOtherTablesKeys() {
    List<String> lines = TocSelection.select(TOC, List.of(new TableName("public", "orders")));
    // table, comment, identity sequence, data, sequence value, primary key, index, own foreign key
    assertEquals(List.of(217, 3376, 216, 3367, 3378, 3216, 3214, 3219), ids(lines));
    assertEquals("217; 1259 16395 TABLE public orders pg", lines.get(0));
  }

  @Test
  void aSerialTableComesWithItsSequenceItsOwnershipAndItsDefault() {
    assertEquals(
        List.of(215, 214, 3375, 3210, 3365, 3377, 3213),
        ids(TocSelection.select(TOC, List.of(new TableName("public", "customers")))));
  }

  @Test
  void aForeignKeyBetweenChosenTablesComesToo() {
    assertEquals(
        List.of(218, 217, 3376, 216, 3368, 3367, 3378, 3218, 3216, 3214, 3220, 3219),
        ids(
            TocSelection.select(
                TOC,
                List.of(new TableName("public", "items"), new TableName("public", "orders")))));
  }

  @Test
  void aTableTheArchiveDoesNotDefineIsAnError() {
    assertThrows(
        IllegalArgumentException.class,
        () -> TocSelection.select(TOC, List.of(new TableName("other", "orders"))));
  }
}
