// Package scenario runs the lab's training scenarios: a fleet, the
// portal's state and a working day's traffic set up on the lab's simulated
// clock from a scenario file (scenarios/*.textpb, protobuf text format of
// headendv1.ScenarioSpec, embedded in the binary), a trainee's work on the
// consoles and the portal, and a grade of the result from the lab's state
// and its event log, each goal passed or failed with the reason a trainer
// would give.
//
// Choices:
//   - A scenario starts only in a lab with no headend; a lab with other
//     headends is refused (ErrLabNotEmpty), and the running scenario starts
//     over with Reset, or ends with Stop; both delete the headends its file
//     declares and leave (and name) the ones the trainee added, which are
//     not the scenario's to take. A lab on the machine's
//     clock is switched to a simulated one standing at the machine's time,
//     and stays simulated (sim.Lab.SimulateClock).
//     The portal keeps its history (orders and registrations of earlier
//     runs stay, to serials no headend has any more); the goals count only
//     what happened since the scenario's setup.
//   - The lab clock never goes back: the scenario starts at its file's
//     Monday 08:00 when the clock can still reach it with the setup's
//     lead, else at the same weekday and time of the first week it can.
//     The setup runs before the start: the portal's orders are placed a
//     lead before it (a day, or more for keys installed earlier), their
//     PAKs registered and keys installed at the times the file says.
//   - The traffic is the curve sampled at every step of lab time (a
//     minute by default) as the clock moves (sim.Lab.SetTraffic): each
//     group's first n users, n the curve's fraction of its count, are
//     connected through the lab's admission path, the others released; a
//     user refused tries again at the next step. The refusals reach the
//     event log at the step's lab time, and the grade reads them back from
//     it; a headend down for a reload is a planned outage and refuses no
//     user in the grade's count.
//   - A scenario's Smart Account is made at the setup; the lab's Smart
//     Software Manager keeps it, its licenses and devices after a reset,
//     so a later run's account takes the name with a number ("Acme 2").
//     The description and hints name it, and the tokens made with it, as
//     {account} and {token1}, {token2}, ... A unit's Smart state is
//     graded from the unit and from the manager: a unit learns of its
//     account's compliance only when it next talks to the manager.
//   - Durable: the scenario's record (its name, start, the sequence of its
//     first event and the hints used) is written through the lab's change
//     path. The traffic's state is the curve at the lab time: after a
//     daemon restart, whose VPN sessions end with it, the users the curve
//     wants are connected again.
package scenario
