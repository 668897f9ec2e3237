// Sector maps: fetches the perimeters (GeoJSON) from the URL in data-npru-map-url, then draws them; a place
// given in data-npru-point ("latitude,longitude") is marked. Once drawn, the container dispatches
// "npru:map-ready" with the map ({detail: {map, perimeters}}) for page scripts that add their own layers.
(function () {
  function load(container) {
    if (typeof L === "undefined") return;
    fetch(container.dataset.npruMapUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) { draw(container, data); })
      .catch(function () {
        container.textContent = "La carte n'a pas pu être chargée ; les quartiers figurent dans le tableau.";
        container.classList.add("map-failed");
      });
  }
  function point(container) {
    var parts = (container.dataset.npruPoint || "").split(",").map(Number);
    return parts.length === 2 && isFinite(parts[0]) && isFinite(parts[1]) ? L.latLng(parts[0], parts[1]) : null;
  }
  function draw(container, data) {
    // maxZoom: a map without tiles has none, and clusters (Leaflet.markercluster) need one.
    var map = L.map(container, { scrollWheelZoom: false, attributionControl: true, maxZoom: 18 });
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
    var place = point(container);
    if (place) {
      map.setView(place, 17);  // before the marker: a marker is placed on a map with a view
      L.circleMarker(place, { radius: 9, color: "#ffffff", weight: 3, fillColor: "#b91c1c", fillOpacity: 1 }).addTo(map);
    } else if (layer.getLayers().length) {
      map.fitBounds(layer.getBounds(), { padding: [20, 20] });
    } else {
      map.setView([46.6, 2.4], 5);
    }
    container.dispatchEvent(new CustomEvent("npru:map-ready", { detail: { map: map, perimeters: layer } }));
  }
  document.querySelectorAll("[data-npru-map-url]").forEach(load);
})();
