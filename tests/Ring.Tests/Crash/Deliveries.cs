using System;
using System.Collections.Generic;
using System.Linq;
using RingIpc.Peer;
using Xunit;

namespace RingIpc.Tests.Crash;

/// <summary>What a consumer received, per producer: every <see cref="TestMessage"/> verified, its sequence recorded in order.</summary>
internal sealed class Deliveries
{
    private readonly Dictionary<int, List<long>> _byProducer = new();

    /// <summary>The batch handler that records into this log.</summary>
    public RingMessageHandler Handler => (_, payload) => Add(payload);

    /// <summary>All messages received so far.</summary>
    public int Count => _byProducer.Values.Sum(list => list.Count);

    /// <summary>Verifies and records one message.</summary>
    public void Add(ReadOnlySpan<byte> payload)
    {
        string? problem = TestMessage.Verify(payload, out int producer, out long sequence);
        Assert.True(problem is null, problem);
        if (!_byProducer.TryGetValue(producer, out List<long>? list))
        {
            _byProducer[producer] = list = new List<long>();
        }

        list.Add(sequence);
    }

    /// <summary>The sequences received from <paramref name="producer"/>, in order of arrival.</summary>
    public IReadOnlyList<long> Of(int producer) => _byProducer.TryGetValue(producer, out List<long>? list) ? list : Array.Empty<long>();

    /// <summary>Asserts that <paramref name="producer"/>'s messages arrived exactly once each and in order, as
    /// <paramref name="first"/>, <paramref name="first"/>+1, …, and returns how many.</summary>
    public int AssertConsecutive(int producer, long first = 0)
    {
        IReadOnlyList<long> got = Of(producer);
        for (int i = 0; i < got.Count; i++)
        {
            Assert.True(got[i] == first + i, $"producer {producer}: message {i} has sequence {got[i]}, expected {first + i} (lost, duplicated or reordered)");
        }

        return got.Count;
    }
}
