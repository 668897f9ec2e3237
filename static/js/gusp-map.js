// GUSP map: the reports' points (JSON from data-npru-points-url, gusp.views.reports.report_points) drawn in
// clusters (Leaflet.markercluster) on a sector map once static/js/map.js has drawn it ("npru:map-ready").
// Each point: [id, latitude, longitude, status index, theme id, late]. The list page is the accessible
// alternative; the status line under the map (#<map id>-etat) says how many points are drawn.
(function () {
  var COLOURS = { nouveau: "#1d4f91", enMain: "#d97706", retard: "#b91c1c", clos: "#6b7280" };

  function colour(point) {
    if (point[5]) return COLOURS.retard;
    if (point[3] === 0) return COLOURS.nouveau;
    if (point[3] <= 2) return COLOURS.enMain;
    return COLOURS.clos;
  }

  function say(container, text) {
    var line = document.getElementById(container.id + "-etat");
    if (line) line.textContent = text;
  }

  function popup(data, point) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = data.themes[String(point[4])] || "Signalement";
    box.appendChild(title);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(data.statuses[point[3]] + (point[5] ? " — en retard" : "")));
    box.appendChild(document.createElement("br"));
    var link = document.createElement("a");
    link.href = data.url.replace("/0/", "/" + point[0] + "/");
    link.textContent = "Ouvrir le signalement";
    box.appendChild(link);
    return box;
  }

  function draw(container, map, data) {
    var group = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 });
    var markers = data.points.map(function (point) {
      var marker = L.circleMarker([point[1], point[2]], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: colour(point), fillOpacity: 0.95,
      });
      marker.bindPopup(function () { return popup(data, point); });
      return marker;
    });
    group.addLayers(markers);
    map.addLayer(group);
    // The group's own bounds fill in as its chunks are clustered: fit to the points themselves.
    if (markers.length) {
      var bounds = L.latLngBounds(data.points.map(function (point) { return [point[1], point[2]]; }));
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
    }
    var count = data.points.length;
    var text = count
      ? count.toLocaleString("fr-FR") + " signalement" + (count > 1 ? "s" : "") + " sur la carte"
      : "Aucun signalement avec un point ne correspond à ces critères.";
    if (count >= data.limit) text += " (les " + data.limit.toLocaleString("fr-FR") + " plus récents : précisez les filtres)";
    say(container, text + ".");
  }

  document.querySelectorAll("[data-npru-points-url]").forEach(function (container) {
    if (typeof L === "undefined" || typeof L.markerClusterGroup === "undefined") return;
    var points = fetch(container.dataset.npruPointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
    points.catch(function () {});  // reported once the map is ready (below)
    container.addEventListener("npru:map-ready", function (event) {
      points
        .then(function (data) { draw(container, event.detail.map, data); })
        .catch(function () { say(container, "Les signalements n'ont pas pu être chargés ; ils figurent dans la liste."); });
    });
  });
})();
