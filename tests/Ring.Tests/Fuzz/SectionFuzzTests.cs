using System;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace RingIpc.Tests.Fuzz;

/// <summary>
/// A live ring's section is a trust boundary: random mutations of its header, registry, counters and records (reset from
/// a snapshot before each case) followed by reads, writes, waits with tiny timeouts, status and a fresh attach must end in
/// success or a documented exception — never a crash, an access outside the mapping, another exception type, or a hang.
/// The loop runs in a child process (tests/RingPeer/FuzzPeer.cs) so that a crash or a hang fails this test with the
/// seed instead of killing the test host. CI runs 100,000 cases (SPSC and MPSC alternately); <c>RINGIPC_LONG_TESTS=1</c>
/// runs a million. A failure names its seed; <c>RingIpc.Peer fuzz some-name SEED 1</c> replays it alone.
/// </summary>
[Collection(nameof(ProcessHeavy))]
public class SectionFuzzTests
{
    private readonly ITestOutputHelper _output;

    public SectionFuzzTests(ITestOutputHelper output) => _output = output;

    private static bool Long => LongTests.Enabled;

    [Fact]
    public void Random_mutations_of_a_live_section_end_in_success_or_a_documented_exception()
    {
        int cases = Long ? 1_000_000 : 100_000;
        using var prefix = new TempName("fuzz");
        using var spsc = TempName.Exactly(prefix + "-spsc");
        using var mpsc = TempName.Exactly(prefix + "-mpsc");
        using var peer = PeerProcess.Start("fuzz", prefix, "1", cases.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The peer's own watchdog reports a hang after 10 s; this bound only catches a peer that cannot even do that.
        TimeSpan bound = TimeSpan.FromSeconds(Long ? 3600 : 600);
        bool exited = peer.TryWaitForExit(bound, out int exitCode);
        string output = peer.Output;
        string lastSeed = Regex.Matches(output, @"^seed (\d+)$", RegexOptions.Multiline).LastOrDefault()?.Groups[1].Value ?? "none";
        string tail = string.Join("\n", output.Split('\n').Where(line => !line.StartsWith("seed ", StringComparison.Ordinal)).TakeLast(40));
        Assert.True(exited, $"the fuzz peer hangs at seed {lastSeed} (killed after {bound}); replay: RingIpc.Peer fuzz NAME {lastSeed} 1\n{tail}");
        Assert.True(exitCode == 0, $"the fuzz peer exited with {exitCode} at seed {lastSeed} (a crash if no FAILED line); replay: RingIpc.Peer fuzz NAME {lastSeed} 1\n{tail}");
        Assert.Contains($"fuzzed {cases} cases", output, StringComparison.Ordinal);

        string[] outcomes = output.Split('\n').Where(line => line.StartsWith("outcome ", StringComparison.Ordinal)).ToArray();
        foreach (string line in outcomes)
        {
            _output.WriteLine(line);
        }

        // The mutations must reach the validation, not only bounce off the header check at attach.
        foreach (RingKind kind in new[] { RingKind.Spsc, RingKind.Mpsc })
        {
            int ok = outcomes.Where(line => line.EndsWith($" {kind} ok", StringComparison.Ordinal))
                .Sum(line => int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(ok > cases / 40, $"almost no {kind} case ran to the end ({ok})");
            Assert.True(outcomes.Count(line => line.Contains($" {kind} {nameof(RingFormatException)}", StringComparison.Ordinal)) > 3, $"hardly any {kind} corruption was detected");
        }
    }
}
