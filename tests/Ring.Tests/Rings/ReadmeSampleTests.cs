using System;
using System.Collections.Generic;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>The README's API sample, run as written (both processes' halves in one), so the README stays true.</summary>
public class ReadmeSampleTests
{
    [Fact]
    public void The_readme_sample_works()
    {
        string name = $"orders-{Guid.NewGuid():N}";
        var handled = new List<string>();
        try
        {
            using (var ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Spsc, Capacity = 1 << 20 }))
            using (var producer = ring.CreateProducer())
            {
                producer.TryWrite("hello"u8, messageType: 1);
                if (producer.TryClaim(8, out RingClaim claim))
                {
                    BitConverter.TryWriteBytes(claim.Span, 42L);
                    claim.Commit();
                }

                producer.TryWrite("again"u8, messageType: 2);
            }

            using (var ring = SharedRing.Open(name))
            using (var consumer = ring.CreateConsumer())
            {
                consumer.Read((type, payload) => handled.Add($"type {type}: {payload.Length} bytes"), maxMessages: 2);
                if (consumer.TryRead(out RingMessage message))
                {
                    using (message)
                    {
                        handled.Add(System.Text.Encoding.ASCII.GetString(message.Payload));
                    }
                }
            }
        }
        finally
        {
            SharedRing.Delete(name);
        }

        Assert.Equal(new[] { "type 1: 5 bytes", "type 0: 8 bytes", "again" }, handled);
    }
}
