using System;
using System.Collections.Generic;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>The README's shared-layout sample struct.</summary>
[SharedLayout]
public partial struct ReadmeQuote
{
    public partial long Instrument { get; set; }

    public partial double Price { get; set; }

    [FixedString(16)]
    public partial string Venue { get; set; }

    [FixedArray(4)]
    public partial int[] Levels { get; set; }

    public partial SharedHandle Event { get; set; }
}

/// <summary>The README's API samples, run as written (both processes' halves in one), so the README stays true.</summary>
public class ReadmeSampleTests
{
    [Fact]
    public void The_readme_layout_sample_works()
    {
        string name = $"quotes-{Guid.NewGuid():N}";
        try
        {
            using var ring = SharedRing.Create<ReadmeQuote>(name);
            using var reader = SharedRing.Open<ReadmeQuote>(name);
            using var producer = ring.CreateProducer();
            using var consumer = reader.CreateConsumer();
            var quote = new ReadmeQuote { Instrument = 1, Price = 2.5, Venue = "XLON", Levels = new[] { 1, 2, 3 }, Event = (SharedHandle)new IntPtr(-1) };
            Assert.True(producer.TryWrite(quote));
            Assert.True(consumer.TryRead(out ReadmeQuote received, out _));
            Assert.Equal((1L, 2.5, "XLON", new IntPtr(-1)), (received.Instrument, received.Price, received.Venue, received.Event.ToIntPtr()));
            Assert.Equal(new[] { 1, 2, 3, 0 }, received.Levels);
            Assert.Equal(8 + 8 + 16 + 16 + 4 + 4, ReadmeQuote.Size);
        }
        finally
        {
            SharedRing.Delete(name);
        }
    }

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

                if (producer.TryBeginBatch(64 * 1024, out RingBatch batch))
                {
                    while (batch.TryWrite("tick"u8, messageType: 2))
                    {
                    }

                    batch.Commit();
                }

                producer.TryWrite("again"u8, messageType: 2);
            }

            using (var ring = SharedRing.Open(name))
            using (var consumer = ring.CreateConsumer())
            {
                consumer.Read((type, payload) => handled.Add($"type {type}: {payload.Length} bytes"), maxMessages: 2);
                int ticks = consumer.Read((type, payload) => Assert.Equal("2 tick", $"{type} {System.Text.Encoding.ASCII.GetString(payload)}"), maxMessages: 4096); // the next message, "again", must follow the last tick
                handled.Add($"{ticks} ticks");
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

        Assert.Equal(new[] { "type 1: 5 bytes", "type 0: 8 bytes", "4096 ticks", "again" }, handled); // 64 KiB / 16 B records
    }
}
