// Sector maps: reads GeoJSON from a json_script element named by data-npru-map.
(function () {
  function draw(container) {
    var source = document.getElementById(container.dataset.npruMap);
    if (!source || typeof L === "undefined") return;
    var data = JSON.parse(source.textContent);
    var map = L.map(container, { scrollWheelZoom: false, attributionControl: true });
    var tiles = container.dataset.npruTiles;
    if (tiles) {
      L.tileLayer(tiles, { attribution: container.dataset.npruAttribution || "", maxZoom: 18 }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      style: function () { return { color: "#1d4f91", weight: 2, fillColor: "#e07b00", fillOpacity: 0.45 }; },
      onEachFeature: function (feature, shape) {
        var props = feature.properties || {};
        var link = document.createElement("a");
        link.href = props.url || "#";
        link.textContent = props.name || "";
        shape.bindPopup(link);
        shape.bindTooltip(props.name || "", { permanent: data.features.length <= 12, direction: "top", offset: [0, -6], className: "map-label" });
      },
    }).addTo(map);
    if (layer.getLayers().length) {
      map.fitBounds(layer.getBounds(), { padding: [20, 20] });
    } else {
      map.setView([46.6, 2.4], 5);
    }
  }
  document.querySelectorAll("[data-npru-map]").forEach(draw);
})();
