package dev.lifeboat.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** A successful answer: its status, JSON body (a missing node when empty) and headers. */
public record ApiResponse(int status, JsonNode body, HttpHeaders headers) {}
