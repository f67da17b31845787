import type { MetaFunction } from "@remix-run/node";

export default function AboutTheData() {
  return (
    <>
      <h1>About the data</h1>
      <p>Service records are kept up to date by the organisations that run them and checked by FORT coordinators.</p>
      <h2>Maps and places</h2>
      <p>Map tiles are provided by the configured tile service; their attribution is shown on each map.</p>
      <p>
        Postcode locations: Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and
        database right 2025. Contains Royal Mail data © Royal Mail copyright and database right 2025. Contains GeoPlace data © Local Government Information
        House Limited copyright and database right 2025. Contains National Records of Scotland data licensed under the Open Government Licence v.3.0.
      </p>
      <p>
        Ward boundaries and neighbourhood names: GeoJSON UK Boundary Data by Martin Chorley (https://github.com/martinjc/UK-GeoJSON), CC BY 4.0. Contains
        Ordnance Survey, Office of National Statistics, National Records Scotland and LPS Intellectual Property data © Crown copyright and database right. Data
        licensed under the terms of the Open Government Licence v3. Ordnance Survey data covered by OS OpenData Licence. Contains NRS data © Crown copyright
        supplied by National Records of Scotland.
      </p>
      <h2>Demo data</h2>
      <p>The organisations, services and people in the demonstration data are fictional.</p>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "About the data – FORT" }];
