// Lifeboat dashboard: plain browser JavaScript, no build step, no third-party code.
// Authentication: a bearer token (role lifeboat-viewer) from the URL fragment (#token=...),
// which never reaches the server, or pasted into the form; kept in sessionStorage and sent in
// the Authorization header by fetch(), which also reads the event stream (EventSource cannot
// send headers).
"use strict";

const TOKEN_KEY = "lifeboat.token";
const FEED_ROWS = 200;
let token = null;
let lastEventId = null;
let streamAbort = null;
let summaryTimer = null;
let summary = null;
let clockSkew = 0;

function $(id) { return document.getElementById(id); }

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    if (c instanceof Node) { const td = document.createElement("td"); td.appendChild(c); tr.appendChild(td); }
    else if (c && typeof c === "object") { tr.appendChild(el("td", c.text, c.className)); }
    else { tr.appendChild(el("td", c)); }
  }
  return tr;
}

function bytes(n) {
  if (n === null || n === undefined) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return (u === 0 ? v : v.toFixed(1)) + " " + units[u];
}

function duration(ms) {
  if (ms === null || ms === undefined) return "";
  if (ms < 1000) return ms + " ms";
  if (ms < 120000) return (ms / 1000).toFixed(1) + " s";
  const s = Math.round(ms / 1000);
  if (s < 7200) return Math.floor(s / 60) + " min";
  if (s < 172800) return Math.floor(s / 3600) + " h";
  return Math.floor(s / 86400) + " d";
}

function age(time) {
  if (!time) return "";
  return duration(Math.max(0, Date.now() + clockSkew - Date.parse(time))) + " ago";
}

function shortType(type) { return type ? type.replace(/^dev\.lifeboat\./, "") : "dead letter"; }

function describe(e) {
  const d = (e.event && e.event.data) || {};
  if (e.kind === "DEAD_LETTER") return "dead letter from " + e.sourceTopic + ": " + (e.reason || "");
  const parts = [];
  for (const k of ["backupId", "restoreId", "checkId", "verificationId", "migration", "status", "step", "reason"]) {
    if (d[k] !== undefined && d[k] !== null) parts.push(k + " " + d[k]);
  }
  if (d.sizeBytes !== undefined) parts.push(bytes(d.sizeBytes));
  if (d.durationMillis) parts.push(duration(d.durationMillis));
  return parts.join(", ");
}

// --- Sign-in --------------------------------------------------------------------------------

function signIn(newToken) {
  token = newToken.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  $("sign-in").hidden = true;
  $("dashboard").hidden = false;
  $("sign-out").hidden = false;
  start();
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  token = null;
  if (streamAbort) streamAbort.abort();
  $("dashboard").hidden = true;
  $("sign-out").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-error").textContent = message || "";
  setConnection(false);
}

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: "Bearer " + token, Accept: "application/json" } });
  if (response.status === 401) { signOut("The token was refused (missing, expired or not signed by the right key)."); throw new Error("401"); }
  if (response.status === 403) { signOut("The token lacks the lifeboat-viewer role."); throw new Error("403"); }
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

// --- Summary panels -------------------------------------------------------------------------

async function loadSummary() {
  const data = await api("/api/v1/dashboard");
  clockSkew = Date.parse(data.generatedAt) - Date.now();
  summary = data;
  renderSummary();
  return data;
}

function scheduleSummary() {
  if (summaryTimer) return;
  summaryTimer = setTimeout(() => { summaryTimer = null; loadSummary().catch(() => {}); }, 1000);
}

function fill(tableId, rows, emptyId) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...rows);
  $(emptyId).hidden = rows.length > 0;
  $(tableId).hidden = rows.length === 0;
}

function renderSummary() {
  if (!summary) return;
  fill("backups", summary.backups.map(b => row([
    b.database, { text: b.backups, className: "num" }, { text: bytes(b.totalBytes), className: "num" },
    { text: b.lastBackupId, className: "id" }, age(b.lastCompletedAt), { text: bytes(b.lastSizeBytes), className: "num" },
    { text: duration(b.lastDurationMillis), className: "num" }])), "backups-empty");
  fill("health", summary.health.map(h => row([
    h.database, el("span", h.status, "badge " + h.status), { text: h.findings, className: "num" }, { text: h.checkId, className: "id" }, age(h.checkedAt)])),
    "health-empty");
  fill("restores", summary.openRestores.map(r => row([
    { text: r.restoreId, className: "id" }, r.database, { text: r.backupId || "", className: "id" }, r.mode || "", shortType(r.lastType) + (r.step ? " (" + r.step + ")" : ""), age(r.since)])),
    "restores-empty");
  renderChart(summary.backupHistory);
}

// Bars: stored size (left axis). Line: duration (right axis). One point per completed backup.
function renderChart(points) {
  const chart = $("chart");
  const NS = "http://www.w3.org/2000/svg";
  const W = 900, H = 240, L = 70, R = 70, T = 16, B = 34;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  svg.setAttribute("preserveAspectRatio", "none");
  const add = (name, attrs, text) => {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  };
  if (!points.length) {
    add("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "No completed backup yet");
    chart.replaceChildren(svg);
    return;
  }
  const maxSize = Math.max(1, ...points.map(p => p.sizeBytes));
  const maxDur = Math.max(1, ...points.map(p => p.durationMillis));
  const plotW = W - L - R, plotH = H - T - B;
  const step = plotW / points.length;
  const y = (v, max) => T + plotH - (v / max) * plotH;
  add("line", { x1: L, y1: T + plotH, x2: W - R, y2: T + plotH, class: "axis" });
  add("text", { x: L - 6, y: T + 4, "text-anchor": "end" }, bytes(maxSize));
  add("text", { x: L - 6, y: T + plotH, "text-anchor": "end" }, "0");
  add("text", { x: W - R + 6, y: T + 4 }, duration(maxDur));
  add("text", { x: W - R + 6, y: T + plotH }, "0 s");
  add("text", { x: L, y: H - 4 }, "size (bars)");
  add("text", { x: W - R, y: H - 4, "text-anchor": "end" }, "duration (line)");
  let path = "";
  points.forEach((p, i) => {
    const x = L + i * step;
    const barW = Math.min(40, Math.max(1, step * 0.7));
    const bar = add("rect", { x: x + (step - barW) / 2, y: y(p.sizeBytes, maxSize), width: barW,
      height: Math.max(0, T + plotH - y(p.sizeBytes, maxSize)), class: "size" });
    const label = p.database + " " + p.backupId + " at " + p.completedAt + ": " + bytes(p.sizeBytes) + " in " + duration(p.durationMillis);
    const title = document.createElementNS(NS, "title");
    title.textContent = label;
    bar.appendChild(title);
    const cx = x + step / 2, cy = y(p.durationMillis, maxDur);
    path += (i === 0 ? "M" : "L") + cx.toFixed(1) + " " + cy.toFixed(1) + " ";
  });
  add("path", { d: path, class: "duration" });
  points.forEach((p, i) => add("circle", { cx: L + i * step + step / 2, cy: y(p.durationMillis, maxDur), r: 3, class: "dot" }));
  if (points.length) {
    add("text", { x: L, y: T + plotH + 14 }, points[0].completedAt.substring(0, 16).replace("T", " "));
    add("text", { x: W - R, y: T + plotH + 14, "text-anchor": "end" },
      points[points.length - 1].completedAt.substring(0, 16).replace("T", " "));
  }
  chart.replaceChildren(svg);
}

// --- Live feed ------------------------------------------------------------------------------

function addToFeed(e, fresh) {
  const body = $("feed").tBodies[0];
  const tr = row([e.auditseq, (e.time || "").replace("T", " ").replace(/\.\d+/, ""), shortType(e.type),
    e.database || "", { text: describe(e), className: "what" }, e.actor || ""]);
  tr.dataset.auditseq = e.auditseq;
  if (e.event && e.event.id) tr.dataset.eventId = e.event.id;
  if (fresh) tr.className = "fresh";
  body.insertBefore(tr, body.firstChild);
  while (body.rows.length > FEED_ROWS) body.deleteRow(body.rows.length - 1);
}

function setConnection(live) {
  const c = $("connection");
  c.textContent = live ? "live" : "offline";
  c.className = "badge " + (live ? "on" : "off");
}

// Server-Sent Events over fetch: the same wire format EventSource reads, with our headers.
async function follow() {
  while (token) {
    streamAbort = new AbortController();
    try {
      const headers = { Authorization: "Bearer " + token, Accept: "text/event-stream" };
      if (lastEventId !== null) headers["Last-Event-ID"] = String(lastEventId);
      const response = await fetch("/api/v1/events/stream", { headers, signal: streamAbort.signal });
      if (response.status === 401 || response.status === 403) { signOut("The token was refused by the event stream."); return; }
      if (!response.ok) throw new Error("HTTP " + response.status);
      setConnection(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.substring(0, end);
          buffer = buffer.substring(end + 2);
          onFrame(frame);
        }
      }
    } catch (err) {
      if (!token) return;
    }
    setConnection(false);
    await new Promise(r => setTimeout(r, 1000));
  }
}

function onFrame(frame) {
  let id = null, data = "";
  for (const line of frame.split("\n")) {
    if (line.startsWith("id:")) id = line.substring(3).trim();
    else if (line.startsWith("data:")) data += line.substring(5).trim();
  }
  if (!data) return;
  const e = JSON.parse(data);
  if (id !== null) lastEventId = Number(id);
  addToFeed(e, true);
  if (e.type && /^dev\.lifeboat\.(backup|health|restore)\./.test(e.type)) scheduleSummary();
}

async function start() {
  try {
    const data = await loadSummary();
    const recent = data.recentEvents || [];
    $("feed").tBodies[0].replaceChildren();
    for (let i = recent.length - 1; i >= 0; i--) addToFeed(recent[i], false);
    lastEventId = data.lastAuditseq;
    follow();
  } catch (err) {
    if (token) $("sign-in-error").textContent = String(err.message || err);
  }
}

// A link like /#token=<JWT> signs in; the fragment never reaches the server, and is removed
// from the address bar at once.
function takeTokenFromFragment() {
  const fragment = new URLSearchParams(location.hash.substring(1));
  const given = fragment.get("token");
  if (!given) return false;
  sessionStorage.setItem(TOKEN_KEY, given);
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", ev => { ev.preventDefault(); signIn($("token").value); });
  $("sign-out").addEventListener("click", () => signOut(""));
  takeTokenFromFragment();
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved); else signOut("");
  window.addEventListener("hashchange", () => {
    if (takeTokenFromFragment()) { if (streamAbort) streamAbort.abort(); signIn(sessionStorage.getItem(TOKEN_KEY)); }
  });
  setInterval(renderSummary, 10000); // ages move on
});
