using System;

namespace RingIpc.Peer;

/// <summary>Checks each message and that every producer's sequence numbers arrive as 0, 1, 2, ...</summary>
public sealed class Verifier(int producers, long countPerProducer)
{
    private readonly long[] _next = new long[producers];

    public long Received { get; private set; }

    /// <summary>The sequence number expected next from <paramref name="producer"/>: how many of its messages arrived.</summary>
    public long NextOf(int producer) => _next[producer];

    public string? Error { get; private set; }

    public void Accept(int messageType, ReadOnlySpan<byte> payload)
    {
        if (Error is not null)
        {
            return;
        }

        string? problem = TestMessage.Verify(payload, out int producer, out long sequence);
        if (problem is null && (producer >= producers || messageType != producer))
        {
            problem = $"producer {producer} with message type {messageType} was not expected";
        }

        if (problem is null && sequence != _next[producer])
        {
            problem = $"producer {producer}: expected sequence {_next[producer]}, got {sequence} (lost, duplicated or reordered)";
        }

        if (problem is null && sequence >= countPerProducer)
        {
            problem = $"producer {producer}: sequence {sequence} beyond the {countPerProducer} sent";
        }

        if (problem is not null)
        {
            Error = "consumer: " + problem;
            return;
        }

        _next[producer]++;
        Received++;
    }

    /// <summary>A handler that feeds <see cref="Accept"/>.</summary>
    public RingMessageHandler Handler => Accept;
}
