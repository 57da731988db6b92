using System;
using System.Globalization;
using System.Linq;
using Xunit;

namespace RingIpc.Tests.CrossProcess;

/// <summary>One peer process of an exchange: its mode (see tests/RingPeer), its bitness, and extra arguments.</summary>
internal sealed record PeerSpec(string Mode, bool Is32Bit = false, string Extra = "block")
{
    public static PeerSpec Of32(string mode) => new(mode, Is32Bit: true);
}

/// <summary>
/// Runs a verified exchange between real processes: a consumer peer and producer peers on one ring. The
/// consumer checks every message's sequence number and checksum; the exchange fails unless every peer
/// succeeds and the consumer verified exactly what the producers sent.
/// </summary>
internal static class PeerExchange
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The consumer starts first (and, if it blocks, announces itself) so that it may be asleep when data comes.</summary>
    /// <returns>The outputs of the consumer and of each producer.</returns>
    public static (string Consumer, string[] Producers) Run(string ring, long perProducer, PeerSpec consumer, params PeerSpec[] producers)
    {
        string count = perProducer.ToString(CultureInfo.InvariantCulture);
        string producerCount = producers.Length.ToString(CultureInfo.InvariantCulture);
        using PeerProcess consumerProcess = consumer.Mode == "consume"
            ? Start(consumer, ring, producerCount, count, "170")
            : Start(consumer, ring, producerCount, count, "30", consumer.Extra);
        if (consumer.Mode != "consume")
        {
            consumerProcess.WaitForOutput("attached", Timeout);
        }

        PeerProcess[] producerProcesses = producers
            .Select((p, id) => p.Mode == "produce"
                ? Start(p, ring, id.ToString(CultureInfo.InvariantCulture), count, "170")
                : Start(p, ring, id.ToString(CultureInfo.InvariantCulture), count, "30", p.Extra))
            .ToArray();
        try
        {
            string[] producerOutputs = producerProcesses.Select(p => p.WaitForSuccess(Timeout)).ToArray();
            string consumerOutput = consumerProcess.WaitForSuccess(Timeout);
            Assert.Contains($"verified {perProducer * producers.Length} messages from {producers.Length} producers", consumerOutput);
            return (consumerOutput, producerOutputs);
        }
        finally
        {
            foreach (PeerProcess producer in producerProcesses)
            {
                producer.Dispose();
            }
        }
    }

    private static PeerProcess Start(PeerSpec peer, params string[] arguments)
    {
        string[] all = new[] { peer.Mode }.Concat(arguments).ToArray();
        return peer.Is32Bit ? PeerProcess.Start32(all) : PeerProcess.Start(all);
    }
}
