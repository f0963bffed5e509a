using System.Text;
using FhirAdapter.Core.Reading;

namespace FhirAdapter.Core.Tests.Support;

/// <summary>Reads export text the way the inbox reader reads a file of that name.</summary>
internal static class Read
{
    public static async Task<List<ReadItem>> TextAsync(string fileName, string content)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        var items = new List<ReadItem>();
        await foreach (var item in InboxReader.ReadStreamAsync(stream, fileName))
        {
            items.Add(item);
        }

        return items;
    }

    public static async Task<ReadItem> OneAsync(string json)
    {
        var items = await TextAsync("test.ndjson", json.ReplaceLineEndings(" "));
        return Assert.Single(items);
    }
}
