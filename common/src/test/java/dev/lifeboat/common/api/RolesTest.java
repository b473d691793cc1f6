package dev.lifeboat.common.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RolesTest {

  @Test
  void eachRoleImpliesTheOnesBelowIt() {
    assertEquals(Set.of(Roles.VIEWER), Roles.withImplied(Set.of(Roles.VIEWER)));
    assertEquals(Set.of(Roles.VIEWER, Roles.PIPELINE), Roles.withImplied(Set.of(Roles.PIPELINE)));
    assertEquals(
        Set.of(Roles.VIEWER, Roles.PIPELINE, Roles.RESPONDER),
        Roles.withImplied(Set.of(Roles.RESPONDER)));
    assertEquals(
        Set.of(Roles.VIEWER, Roles.PIPELINE, Roles.RESPONDER, Roles.ADMIN),
        Roles.withImplied(Set.of(Roles.ADMIN)));
  }

  @Test
  void unrelatedGroupsGrantNothing() {
    assertEquals(Set.of("developers"), Roles.withImplied(Set.of("developers")));
    assertEquals(Set.of(), Roles.withImplied(Set.of()));
  }
}
