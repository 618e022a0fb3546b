// Package wire is RescueDrill's network protocol, version 1, implemented
// once for the server and the client library; docs/protocol.md describes
// it byte by byte for other implementations (the browser page).
//
//   - Control messages (Hello, Welcome, Terrain, Prompt, Warning, Choice /
//     ChoiceAck, Command / CommandAck, Score, Results, Error, Ping, Pong …)
//     travel framed on the control stream: Marshal / AppendFrame,
//     SplitFrame / FrameReader / DecodeMessage.
//   - Pose (client input) and Snapshot (server state) are datagrams, or
//     frames with the same bytes when datagrams are unavailable:
//     DecodeDatagram, SnapshotEncoder (one per client on the server),
//     SnapshotDecoder (on the client). Both are pure: no I/O, no clock.
//   - Capturer turns an engine.World into the States snapshots carry;
//     TerrainOf builds the Terrain message of a map.
//
// Every decoder checks lengths against limits before allocating and
// returns an *Error with a protocol Code for malformed input.
package wire
